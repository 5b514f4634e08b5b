// Shared pieces of the crash-safety scenarios: seeded randomness, environment knobs, and the
// agent started the way `npm run agent` runs it.
import type { TempDb } from "../temp-db";
import { spawnAgent, type AgentProcess } from "../agent-process";
import { AGENT_BUNDLE, AGENT_NODE_FLAGS, buildAgentIfNeeded } from "@/scripts/build-agent.mjs";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** mulberry32: a small seeded generator, so a failing run can be repeated with CHAOS_SEED. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/** CHAOS_SEED when set, otherwise a fresh one (printed by every scenario). */
export function chaosSeed(): number {
  return envInt("CHAOS_SEED", Math.floor(Math.random() * 2 ** 31) + 1);
}

export type Log = (line: string) => void;
export const defaultLog: Log = (line) => console.log(`[chaos] ${line}`);

/** Nearest-rank percentile, the same as the benchmarks use. */
export { quantile as percentile } from "@/bench/util";

export const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function dbFile(t: TempDb): string {
  return t.url.replace(/^file:/, "");
}

/** Lines of a process's output that must never appear, whatever was killed when. */
export const CORRUPTION =
  /UNIQUE constraint failed|FOREIGN KEY constraint failed|SQLITE_CORRUPT|database disk image is malformed|SQLITE_NOTADB/;

/**
 * Runs the agent the way `npm run agent` does: the esbuild bundle (built by the global setup) on
 * plain Node with the production flags. Same interface as helpers/agent-process startAgent, which
 * runs the sources through tsx: the bundle starts about a second sooner, which adds up over 50
 * restarts, and it is what is deployed.
 */
let bundleChecked = false;

export async function startBundledAgent(
  databaseUrl: string,
  configFile: string,
  extraEnv: Record<string, string> = {},
): Promise<AgentProcess> {
  // Once per test file: the global setup built it; this only covers running a file on its own.
  if (!bundleChecked) await buildAgentIfNeeded();
  bundleChecked = true;
  return spawnAgent([...AGENT_NODE_FLAGS, AGENT_BUNDLE], databaseUrl, configFile, extraEnv, 20);
}

// ---------------------------------------------------------------------------------------------
// Storage invariants (agent side)
// ---------------------------------------------------------------------------------------------
