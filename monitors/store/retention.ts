import type { Env } from "../config/secrets";
import type { Db } from "./client";
import { HOUR_MS } from "../core/duration";

export interface RetentionPolicy {
  rawDays: number;
  minuteHours: number;
  hourDays: number;
  /** 0 keeps day buckets forever. */
  dayDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 14, minuteHours: 48, hourDays: 90, dayDays: 0 };

function positive(v: string | undefined, fallback: number): number {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function retentionFromEnv(env: Env = process.env): RetentionPolicy {
  return {
    rawDays: positive(env.RETENTION_RAW_DAYS, DEFAULT_RETENTION.rawDays),
    minuteHours: positive(env.RETENTION_MINUTE_HOURS, DEFAULT_RETENTION.minuteHours),
    hourDays: positive(env.RETENTION_HOUR_DAYS, DEFAULT_RETENTION.hourDays),
    dayDays: positive(env.RETENTION_DAY_DAYS, DEFAULT_RETENTION.dayDays),
  };
}

/** Deletes raw results (and region checks) and fine rollups past their retention. Coarser buckets already hold their counts. */
export async function applyRetention(db: Db, policy: RetentionPolicy = DEFAULT_RETENTION, now = Date.now()) {
  const H = HOUR_MS;
  const D = 24 * H;
  // Per monitor, so each delete walks the (monitor, slot) key instead of scanning the table.
  const monitors = await db.monitor.findMany({ select: { id: true } });
  let rawCount = 0;
  let regionCount = 0;
  const rawBefore = new Date(now - policy.rawDays * D);
  for (const m of monitors) {
    rawCount += (await db.checkResult.deleteMany({ where: { monitorId: m.id, slot: { lt: rawBefore } } })).count;
    // Region checks are raw results too (one per region, when agents run in regions).
    regionCount += (await db.regionCheck.deleteMany({ where: { monitorId: m.id, slot: { lt: rawBefore } } })).count;
  }
  // Heartbeats of agents gone for a week: /admin and /metrics list the agents of the last days.
  const agents = await db.agent.deleteMany({ where: { lastSeenAt: { lt: new Date(now - 7 * D) } } });
  const minute = await db.rollup.deleteMany({ where: { resolution: "minute", bucket: { lt: new Date(now - policy.minuteHours * H) } } });
  const hour = await db.rollup.deleteMany({ where: { resolution: "hour", bucket: { lt: new Date(now - policy.hourDays * D) } } });
  const day =
    policy.dayDays > 0
      ? await db.rollup.deleteMany({ where: { resolution: "day", bucket: { lt: new Date(now - policy.dayDays * D) } } })
      : { count: 0 };
  return { raw: rawCount, regionChecks: regionCount, agents: agents.count, minute: minute.count, hour: hour.count, day: day.count };
}
