import type { Db } from "../store/client";
import { ceilToBucket, type Resolution } from "../store/buckets";

export const UPTIME_WINDOWS = { "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000, "90d": 90 * 86_400_000, "1y": 365 * 86_400_000 } as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;
export const ALL_WINDOWS = Object.keys(UPTIME_WINDOWS) as UptimeWindow[];

export interface SlotCounts {
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
}

export interface WindowUptime extends SlotCounts {
  /** (up + degraded) / (up + degraded + down); null when no slot counts (no data or all maintenance). */
  ratio: number | null;
}

export function uptimeRatio(c: SlotCounts): number | null {
  const counted = c.up + c.degraded + c.down;
  return counted === 0 ? null : (c.up + c.degraded) / counted;
}

const EMPTY: SlotCounts = { up: 0, degraded: 0, down: 0, maintenance: 0 };

/**
 * Splits [start, now] into whole days, then whole hours, then whole minutes at the
 * front edge, so each piece reads the coarsest rollup that covers it exactly.
 */
export function windowSegments(start: number, now: number): Array<{ resolution: Resolution; from: number; to: number }> {
  const day = ceilToBucket("day", start);
  const hour = ceilToBucket("hour", start);
  const minute = ceilToBucket("minute", start);
  const segs: Array<{ resolution: Resolution; from: number; to: number }> = [];
  if (day <= now) segs.push({ resolution: "day", from: day, to: Infinity });
  if (hour < Math.min(day, now)) segs.push({ resolution: "hour", from: hour, to: Math.min(day, now + 1) });
  if (minute < Math.min(hour, now)) segs.push({ resolution: "minute", from: minute, to: Math.min(hour, now + 1) });
  return segs;
}

/**
 * Uptime of every monitor over each window, from rollups only: a fixed number of
 * grouped queries (three per window at most), whatever the number of monitors.
 */
export async function uptimeForAll(
  db: Db,
  opts: { windows?: UptimeWindow[]; monitorIds?: number[]; now?: number } = {},
): Promise<Map<number, Record<UptimeWindow, WindowUptime>>> {
  const now = opts.now ?? Date.now();
  const windows = opts.windows ?? ALL_WINDOWS;
  const queries = windows.flatMap((w) =>
    windowSegments(now - UPTIME_WINDOWS[w], now).map((seg) => ({
      window: w,
      promise: db.rollup.groupBy({
        by: ["monitorId"],
        where: {
          resolution: seg.resolution,
          bucket: { gte: new Date(seg.from), ...(Number.isFinite(seg.to) ? { lt: new Date(seg.to) } : {}) },
          ...(opts.monitorIds ? { monitorId: { in: opts.monitorIds } } : {}),
        },
        _sum: { up: true, degraded: true, down: true, maintenance: true },
      }),
    })),
  );
  const results = await Promise.all(queries.map((q) => q.promise));
  const out = new Map<number, Record<UptimeWindow, WindowUptime>>();
  const entry = (id: number) => {
    let e = out.get(id);
    if (!e) {
      e = Object.fromEntries(windows.map((w) => [w, { ...EMPTY, ratio: null }])) as Record<UptimeWindow, WindowUptime>;
      out.set(id, e);
    }
    return e;
  };
  results.forEach((rows, i) => {
    const w = queries[i].window;
    for (const r of rows) {
      const c = entry(r.monitorId)[w];
      c.up += r._sum.up ?? 0;
      c.degraded += r._sum.degraded ?? 0;
      c.down += r._sum.down ?? 0;
      c.maintenance += r._sum.maintenance ?? 0;
    }
  });
  for (const e of out.values()) for (const w of windows) e[w].ratio = uptimeRatio(e[w]);
  return out;
}
