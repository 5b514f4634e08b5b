import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Where the store thread's code is, seen from the agent's entry module (`import.meta.url` of
 * monitors/agent.ts). Bundled, it is the sibling .build/agent-store.mjs. Under tsx (tests,
 * `--import tsx`), a worker does not inherit the TypeScript loader, so a small data: module
 * registers tsx in the worker first and then imports monitors/agent-store.ts.
 */
export function storeThreadEntry(agentModuleUrl: string): URL {
  if (agentModuleUrl.endsWith(".mjs")) return new URL("./agent-store.mjs", agentModuleUrl);
  const entry = new URL("./agent-store.ts", agentModuleUrl).href;
  const boot = `const { register } = await import(${JSON.stringify(tsxEsmApi(agentModuleUrl))}); register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/**
 * tsx's ESM register API, as its package.json exports it. Resolved by hand because a data: module
 * cannot resolve a bare name, vitest's module runner lacks import.meta.resolve, and require's
 * resolution picks the CommonJS build, whose register() fails inside a worker.
 */
function tsxEsmApi(fromUrl: string): string {
  const manifest = createRequire(fromUrl).resolve("tsx/package.json");
  const exported = (JSON.parse(readFileSync(manifest, "utf8")) as { exports: Record<string, { import: { default: string } }> }).exports[
    "./esm/api"
  ].import.default;
  return pathToFileURL(join(dirname(manifest), exported)).href;
}
