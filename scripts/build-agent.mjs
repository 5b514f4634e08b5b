#!/usr/bin/env node
// Bundles the agent (monitors/agent.ts and what it imports) into one ESM file, so the agent
// runs on plain Node: a TypeScript loader costs a second V8 isolate, about 35 MB of RSS.
import { build } from "esbuild";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { newestMtime } from "./build-web.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const AGENT_BUNDLE = join(root, ".build", "agent.mjs");
/** The store thread's bundle (a worker the agent starts), next to the agent's. */
const STORE_BUNDLE = join(root, ".build", "agent-store.mjs");
/**
 * Node flags for the agent. A 2 MB young generation (default 16 MB per semi-space) trades a
 * few more, shorter scavenges for about 30 MB less RSS; the agent allocates little per check.
 * The old generation is capped (AGENT_HEAP_MB, default 128) so V8 collects before it grows:
 * 2,000 monitors use well under half of it. Source maps only on request (AGENT_SOURCE_MAPS=1):
 * with them, every stack trace an Error builds is mapped, and undici and pg build some for every
 * check (a socket closed after its response): 0.6 ms of CPU per check at 3,334 monitors.
 */
export const AGENT_NODE_FLAGS = [
  ...(process.env.AGENT_SOURCE_MAPS === "1" ? ["--enable-source-maps"] : []),
  "--max-semi-space-size=2",
  `--max-old-space-size=${Number(process.env.AGENT_HEAP_MB ?? 128)}`,
];

/**
 * esbuild options of the agent bundle (without outdir): two entries, the agent and its store
 * thread; plain Node, dependencies left external.
 * @type {import("esbuild").BuildOptions}
 */
export const AGENT_BUILD_OPTIONS = {
  entryPoints: { agent: join(root, "monitors", "agent.ts"), "agent-store": join(root, "monitors", "agent-store.ts") },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  // The agent finds its store thread as the sibling agent-store.mjs (monitors/agent/store-thread-entry.ts).
  outExtension: { ".js": ".mjs" },
  logLevel: "warning",
};

export async function buildAgentIfNeeded() {
  const sources = Math.max(newestMtime(join(root, "monitors")), newestMtime(join(root, "package-lock.json")));
  const built = [AGENT_BUNDLE, STORE_BUNDLE].every((f) => existsSync(f) && statSync(f).mtimeMs >= sources);
  if (built) return false;
  await build({ ...AGENT_BUILD_OPTIONS, outdir: dirname(AGENT_BUNDLE) });
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log((await buildAgentIfNeeded()) ? `built ${AGENT_BUNDLE}` : "agent bundle is up to date");
}
