import type { Db } from "../store/client";
import { bucketStart } from "../store/buckets";
import { uptimeRatio } from "./uptime";

export const BAR_DAYS = 90;
const DAY = 86_400_000;

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
 * A bar's colour follows its downtime minutes (not its percentage), so a short interval's
 * single failure and a long one's look alike: none is green, up to 5 minutes light, up to an
 * hour orange, more red. A day with only maintenance is blue; a day with nothing is grey.
 */
export function barLevel(downMinutes: number, counted: number, maintenance: number): BarLevel {
  if (counted === 0) return maintenance > 0 ? "maintenance" : "nodata";
  if (downMinutes <= 0) return "ok";
  if (downMinutes <= 5) return "minor";
  if (downMinutes <= 60) return "major";
  return "severe";
}

/** 90 daily bars for each of the given monitors, in two queries for all of them. */
export async function dailyBars(db: Db, monitors: Array<{ id: number; intervalSec: number }>, now = Date.now(), days = BAR_DAYS): Promise<Map<number, DailyBar[]>> {
  const first = bucketStart("day", now) - (days - 1) * DAY;
  const ids = monitors.map((m) => m.id);
  const [rollups, incidentLinks] = await Promise.all([
    db.rollup.findMany({
      where: { monitorId: { in: ids }, resolution: "day", bucket: { gte: new Date(first) } },
      select: { monitorId: true, bucket: true, up: true, degraded: true, down: true, maintenance: true },
    }),
    db.incidentMonitor.findMany({
      where: { monitorId: { in: ids }, incident: { startedAt: { lt: new Date(now) }, OR: [{ resolvedAt: null }, { resolvedAt: { gte: new Date(first) } }] } },
      select: { monitorId: true, incident: { select: { id: true, title: true, startedAt: true, resolvedAt: true } } },
    }),
  ]);
  const byKey = new Map(rollups.map((r) => [`${r.monitorId}|${r.bucket.getTime()}`, r]));
  const out = new Map<number, DailyBar[]>();
  for (const m of monitors) {
    const minutesPerSlot = m.intervalSec / 60;
    const bars: DailyBar[] = [];
    for (let d = 0; d < days; d++) {
      const day = first + d * DAY;
      const r = byKey.get(`${m.id}|${day}`);
      const counts = r ?? { up: 0, degraded: 0, down: 0, maintenance: 0 };
      const counted = counts.up + counts.degraded + counts.down;
      const downtimeMinutes = Math.round(counts.down * minutesPerSlot);
      bars.push({
        date: new Date(day).toISOString().slice(0, 10),
        ratio: uptimeRatio(counts),
        downtimeMinutes,
        maintenanceMinutes: Math.round(counts.maintenance * minutesPerSlot),
        level: barLevel(downtimeMinutes, counted, counts.maintenance),
        incidents: incidentLinks
          .filter((l) => l.monitorId === m.id && l.incident.startedAt.getTime() < day + DAY && (l.incident.resolvedAt === null || l.incident.resolvedAt.getTime() >= day))
          .map((l) => ({ id: l.incident.id, title: l.incident.title })),
      });
    }
    out.set(m.id, bars);
  }
  return out;
}
