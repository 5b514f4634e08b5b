import type { Db } from "../store/client";
import { bucketStart } from "../core/buckets";
import { uptimeRatio, type SlotCounts } from "./uptime";
import { DAY_MS } from "../core/duration";

export const BAR_DAYS = 90;

export type BarLevel = "ok" | "minor" | "major" | "severe" | "maintenance" | "nodata";

export interface DailyBar {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  ratio: number | null;
  downtimeMinutes: number;
  maintenanceMinutes: number;
  level: BarLevel;
  incidents: Array<{ id: number; title: string }>;
}

/**
 * A day's colour, from the share of its observed time (up, degraded and down slots; maintenance
 * and no data are not observed) that was down: none is ok, under 1% minor, under 10% major, 10% or
 * more severe. A share, not minutes: today's bar for a monitor that has been down for all of
 * today's two observed minutes is red, not "minor" because two minutes are few. Degraded time
 * does not colour the bar: the day's text speaks of uptime and downtime only, and a coloured slow
 * day would need its own words and bytes on every row (see the README, "Bars").
 */
export function barLevel(counts: SlotCounts): BarLevel {
  const counted = counts.up + counts.degraded + counts.down;
  if (counted === 0) return counts.maintenance > 0 ? "maintenance" : "nodata";
  const down = counts.down / counted;
  if (down === 0) return "ok";
  if (down < BAR_THRESHOLDS.minor) return "minor";
  if (down < BAR_THRESHOLDS.major) return "major";
  return "severe";
}

/** Shares of a day's observed time that move its bar to the next colour (README, "Bars"). */
export const BAR_THRESHOLDS = { minor: 0.01, major: 0.1 } as const;

/** 90 daily bars for each of the given monitors, in two queries for all of them. */
export async function dailyBars(
  db: Db,
  monitors: Array<{ id: number; intervalSec: number }>,
  now = Date.now(),
  days = BAR_DAYS,
): Promise<Map<number, DailyBar[]>> {
  const first = bucketStart("day", now) - (days - 1) * DAY_MS;
  const ids = monitors.map((m) => m.id);
  const [rollups, incidentLinks] = await Promise.all([
    db.rollup.findMany({
      where: { monitorId: { in: ids }, resolution: "day", bucket: { gte: new Date(first) } },
      select: { monitorId: true, bucket: true, up: true, degraded: true, down: true, maintenance: true },
    }),
    db.incidentMonitor.findMany({
      where: {
        monitorId: { in: ids },
        incident: { startedAt: { lt: new Date(now) }, OR: [{ resolvedAt: null }, { resolvedAt: { gte: new Date(first) } }] },
      },
      select: { monitorId: true, incident: { select: { id: true, title: true, startedAt: true, resolvedAt: true } } },
    }),
  ]);
  const byKey = new Map(rollups.map((r) => [`${r.monitorId}|${r.bucket.getTime()}`, r]));
  const out = new Map<number, DailyBar[]>();
  for (const m of monitors) {
    const minutesPerSlot = m.intervalSec / 60;
    const bars: DailyBar[] = [];
    for (let d = 0; d < days; d++) {
      const day = first + d * DAY_MS;
      const r = byKey.get(`${m.id}|${day}`);
      const counts = r ?? { up: 0, degraded: 0, down: 0, maintenance: 0 };
      const downtimeMinutes = Math.round(counts.down * minutesPerSlot);
      bars.push({
        date: new Date(day).toISOString().slice(0, 10),
        ratio: uptimeRatio(counts),
        downtimeMinutes,
        maintenanceMinutes: Math.round(counts.maintenance * minutesPerSlot),
        level: barLevel(counts),
        incidents: incidentLinks
          .filter(
            (l) =>
              l.monitorId === m.id &&
              l.incident.startedAt.getTime() < day + DAY_MS &&
              (l.incident.resolvedAt === null || l.incident.resolvedAt.getTime() >= day),
          )
          .map((l) => ({ id: l.incident.id, title: l.incident.title })),
      });
    }
    out.set(m.id, bars);
  }
  return out;
}
