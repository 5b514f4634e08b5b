// Helpers for the region tests on PostgreSQL: monitors, fake agent heartbeats and lease rows.
import type { Db } from "@/monitors/store/client";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Creates `n` bare monitors (the leases only need their ids) and returns the ids in order. */
export async function createMonitors(db: Db, n: number, prefix = "m"): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = await db.monitor.create({
      data: { slug: `${prefix}-${i}`, name: `${prefix} ${i}`, kind: "tcp", config: {}, intervalSec: 60, timeoutMs: 1000, phaseMs: 0 },
    });
    ids.push(m.id);
  }
  return ids;
}

/** An Agent heartbeat row, as the agent writes it: `lastSeenAt` decides whether it counts as live. */
export async function heartbeat(db: Db, id: string, region: string, lastSeenAt: Date | number = new Date()): Promise<void> {
  const at = new Date(lastSeenAt);
  await db.agent.upsert({
    where: { id },
    create: { id, region, hostname: "test", startedAt: at, lastSeenAt: at },
    update: { lastSeenAt: at },
  });
}

export interface LeaseRow {
  monitorId: number;
  region: string;
  agentId: string | null;
  expiresAt: Date;
}

export async function leaseRows(db: Db, region?: string): Promise<LeaseRow[]> {
  return db.monitorLease.findMany({ where: region ? { region } : {}, orderBy: [{ region: "asc" }, { monitorId: "asc" }] });
}

/** Monitor ids per agent among the rows that are held (agent set, not expired at `now`). */
export function holders(rows: LeaseRow[], now = Date.now()): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const r of rows) {
    if (!r.agentId || r.expiresAt.getTime() <= now) continue;
    by.set(r.agentId, [...(by.get(r.agentId) ?? []), r.monitorId]);
  }
  return by;
}
