// Real agent processes in regions (PostgreSQL), and what the region tests measure about them.
import { spawnAgent, type AgentProcess } from "./agent-process";
import { AGENT_BUNDLE, AGENT_NODE_FLAGS } from "@/scripts/build-agent.mjs";
import type { Db } from "@/monitors/store/client";
import { holders, leaseRows, sleep } from "./regions";

export interface RegionalAgent {
  region: string;
  index: number;
  process: AgentProcess;
}

/**
 * Starts the agent bundle (what `npm run agent` runs; the global setup builds it) in a region,
 * with short leases so a dead agent's monitors move within seconds.
 */
export function startRegionalAgent(
  databaseUrl: string,
  configFile: string,
  region: string,
  index: number,
  leases: { ttlMs: number; renewMs: number },
): RegionalAgent {
  const process = spawnAgent([...AGENT_NODE_FLAGS, AGENT_BUNDLE], databaseUrl, configFile, {
    REGION: region,
    LEASE_TTL_MS: String(leases.ttlMs),
    LEASE_RENEW_MS: String(leases.renewMs),
  });
  return { region, index, process };
}

/** The region a probe came from, by its User-Agent (monitors/probes/user-agent.ts). */
export function regionOfUserAgent(ua: string | undefined): string {
  return /; region ([a-z0-9-]+)\)/.exec(ua ?? "")?.[1] ?? "default";
}

/** Waits until a region's monitors are all held, split between `agents` agents as evenly as the share allows. */
export async function waitForBalancedLeases(db: Db, region: string, agents: number, monitors: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  const share = Math.ceil(monitors / agents);
  let last = "";
  for (;;) {
    const rows = await leaseRows(db, region);
    const held = holders(rows);
    const counts = [...held.values()].map((ids) => ids.length);
    last = JSON.stringify(Object.fromEntries(held));
    if (
      rows.length === monitors &&
      held.size === agents &&
      counts.every((n) => n <= share) &&
      counts.reduce((a, b) => a + b, 0) === monitors
    )
      return;
    if (Date.now() > until) throw new Error(`leases of ${region} not balanced over ${agents} agents within ${timeoutMs} ms: ${last}`);
    await sleep(100);
  }
}

/** Agent ids per region whose heartbeat is newer than `since`. */
export async function heartbeatsByRegion(db: Db, since: number): Promise<Map<string, string[]>> {
  const rows = await db.agent.findMany({ where: { lastSeenAt: { gt: new Date(since) } }, orderBy: { id: "asc" } });
  const by = new Map<string, string[]>();
  for (const r of rows) by.set(r.region, [...(by.get(r.region) ?? []), r.id]);
  return by;
}

/**
 * Gaps longer than `maxGapMs` in a list of probed slots over [from, to]: between consecutive slots
 * of the window, and at either end (from `from` to the first slot, from the last slot to `to`).
 */
export function probeGaps(slots: number[], from: number, to: number, maxGapMs: number): string[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const s = [...new Set(slots)].filter((x) => x >= from && x <= to).sort((a, b) => a - b);
  if (!s.length) return [`no slot between ${iso(from)} and ${iso(to)}`];
  const out: string[] = [];
  if (s[0] - from > maxGapMs) out.push(`nothing from ${iso(from)} until ${iso(s[0])}`);
  for (let i = 1; i < s.length; i++) {
    if (s[i] - s[i - 1] > maxGapMs) out.push(`gap of ${s[i] - s[i - 1]} ms from ${iso(s[i - 1])} to ${iso(s[i])}`);
  }
  if (to - s[s.length - 1] > maxGapMs) out.push(`nothing after ${iso(s[s.length - 1])} until ${iso(to)}`);
  return out;
}
