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
/**
 * Node flags for the agent. A 2 MB young generation (default 16 MB per semi-space) trades a
 * few more, shorter scavenges for about 30 MB less RSS; the agent allocates little per check.
 * The old generation is capped (AGENT_HEAP_MB, default 128) so V8 collects before it grows:
 * 2,000 monitors use well under half of it.
 */
export const AGENT_NODE_FLAGS = ["--enable-source-maps", "--max-semi-space-size=2", `--max-old-space-size=${Number(process.env.AGENT_HEAP_MB ?? 128)}`];

/**
 * esbuild options of the agent bundle (without outfile): plain Node, dependencies left external.
 * @type {import("esbuild").BuildOptions}
 */
export const AGENT_BUILD_OPTIONS = {
  entryPoints: [join(root, "monitors", "agent.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
};

export async function buildAgentIfNeeded() {
  const sources = Math.max(newestMtime(join(root, "monitors")), newestMtime(join(root, "package-lock.json")));
  if (existsSync(AGENT_BUNDLE) && statSync(AGENT_BUNDLE).mtimeMs >= sources) return false;
  await build({ ...AGENT_BUILD_OPTIONS, outfile: AGENT_BUNDLE });
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log((await buildAgentIfNeeded()) ? `built ${AGENT_BUNDLE}` : "agent bundle is up to date");
}
