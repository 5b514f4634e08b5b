import type { Db } from "../store/client";
import { medianAnsweredLatency } from "../evaluate/quorum";
import { HOUR_MS } from "../core/duration";

export interface RegionView {
  region: string;
  /** What the region's latest check saw. */
  status: "up" | "degraded" | "down";
  lastCheckAt: Date;
  lastLatencyMs: number | null;
  /** Median latency of the region's answered checks in the last hour. */
  medianLatencyMs: number | null;
  checks: number;
  failed: number;
}

const WINDOW_MS = HOUR_MS;
/** Enough for an hour of a 60 s monitor in a dozen regions; the page shows a summary, not every check. */
const MAX_ROWS = 1_000;

/** Per-region status and latency of one monitor over the last hour (empty when agents do not run in regions). */
export async function regionView(db: Db, monitorId: number, now = Date.now()): Promise<RegionView[]> {
  const rows = await db.regionCheck.findMany({
    where: { monitorId, slot: { gt: new Date(now - WINDOW_MS) } },
    orderBy: { slot: "desc" },
    take: MAX_ROWS,
    select: { region: true, slot: true, status: true, totalMs: true },
  });
  const byRegion = new Map<string, typeof rows>();
  for (const r of rows) byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), r]);
  return [...byRegion.entries()]
    .map(([region, list]) => {
      return {
        region,
        status: list[0].status as RegionView["status"],
        lastCheckAt: list[0].slot,
        lastLatencyMs: list[0].status === "down" ? null : list[0].totalMs,
        medianLatencyMs: medianAnsweredLatency(list),
        checks: list.length,
        failed: list.filter((r) => r.status === "down").length,
      };
    })
    .sort((a, b) => a.region.localeCompare(b.region));
}
