import type { Env } from "../config/secrets";
import type { Db } from "./client";
import { HOUR_MS } from "../core/duration";
import { dialectOf } from "./dialect";
import { dropPartitionsBefore, TIME_PARTITIONED } from "./partitions";

export interface RetentionPolicy {
  rawDays: number;
  /**
   * Region checks (agents in regions): read by the quorum decision for seconds and by the monitor
   * page's region view for an hour, and there are as many as regions per slot, so they are kept
   * far shorter than the decided results.
   */
  regionCheckDays: number;
  minuteHours: number;
  hourDays: number;
  /** 0 keeps day buckets forever. */
  dayDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 14, regionCheckDays: 2, minuteHours: 48, hourDays: 90, dayDays: 0 };

function positive(v: string | undefined, fallback: number): number {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function retentionFromEnv(env: Env = process.env): RetentionPolicy {
  return {
    rawDays: positive(env.RETENTION_RAW_DAYS, DEFAULT_RETENTION.rawDays),
    regionCheckDays: positive(env.RETENTION_REGION_CHECK_DAYS, DEFAULT_RETENTION.regionCheckDays),
    minuteHours: positive(env.RETENTION_MINUTE_HOURS, DEFAULT_RETENTION.minuteHours),
    hourDays: positive(env.RETENTION_HOUR_DAYS, DEFAULT_RETENTION.hourDays),
    dayDays: positive(env.RETENTION_DAY_DAYS, DEFAULT_RETENTION.dayDays),
  };
}

/** What one retention pass removed. */
export interface RetentionReport {
  /** Rows deleted: raw results, region checks, agents' heartbeats, minute/hour/day rollups. */
  raw: number;
  regionChecks: number;
  agents: number;
  minute: number;
  hour: number;
  day: number;
  /** PostgreSQL: whole time partitions dropped (their rows are not counted above). */
  droppedPartitions: string[];
}

/**
 * Removes raw results (and region checks) and fine rollups past their retention; coarser buckets
 * already hold their counts. On PostgreSQL whole time partitions are dropped (monitors/store/
 * partitions.ts), so a partition is kept until all of it is past the retention; on SQLite rows are
 * deleted.
 */
export async function applyRetention(db: Db, policy: RetentionPolicy = DEFAULT_RETENTION, now = Date.now()): Promise<RetentionReport> {
  const H = HOUR_MS;
  const D = 24 * H;
  const rawBefore = now - policy.rawDays * D;
  const regionCheckBefore = now - policy.regionCheckDays * D;
  // Per table: rows older than this go (null: kept forever).
  const before: Record<keyof typeof TIME_PARTITIONED, number | null> = {
    checkResult: rawBefore,
    regionCheck: regionCheckBefore,
    minuteRollup: now - policy.minuteHours * H,
    hourRollup: now - policy.hourDays * D,
    dayRollup: policy.dayDays > 0 ? now - policy.dayDays * D : null,
  };
  // Heartbeats of agents gone for a week: /admin and /metrics list the agents of the last days.
  const agents = (await db.agent.deleteMany({ where: { lastSeenAt: { lt: new Date(now - 7 * D) } } })).count;

  if (dialectOf(db).provider === "postgresql") {
    const report: RetentionReport = { raw: 0, regionChecks: 0, agents, minute: 0, hour: 0, day: 0, droppedPartitions: [] };
    const counts: Record<keyof typeof TIME_PARTITIONED, "raw" | "regionChecks" | "minute" | "hour" | "day"> = {
      checkResult: "raw",
      regionCheck: "regionChecks",
      minuteRollup: "minute",
      hourRollup: "hour",
      dayRollup: "day",
    };
    for (const key of Object.keys(before) as Array<keyof typeof before>) {
      const cutoff = before[key];
      if (cutoff === null) continue;
      const r = await dropPartitionsBefore(db, TIME_PARTITIONED[key], cutoff);
      report[counts[key]] += r.deletedFromDefault;
      report.droppedPartitions.push(...r.dropped);
    }
    return report;
  }

  // Per monitor, so each delete walks the (monitor, slot) key instead of scanning the table.
  const monitors = await db.monitor.findMany({ select: { id: true } });
  let raw = 0;
  let regionChecks = 0;
  for (const m of monitors) {
    raw += (await db.checkResult.deleteMany({ where: { monitorId: m.id, slot: { lt: new Date(rawBefore) } } })).count;
    regionChecks += (await db.regionCheck.deleteMany({ where: { monitorId: m.id, slot: { lt: new Date(regionCheckBefore) } } })).count;
  }
  const rollupsBefore = async (resolution: string, cutoff: number | null) =>
    cutoff === null ? 0 : (await db.rollup.deleteMany({ where: { resolution, bucket: { lt: new Date(cutoff) } } })).count;
  return {
    raw,
    regionChecks,
    agents,
    minute: await rollupsBefore("minute", before.minuteRollup),
    hour: await rollupsBefore("hour", before.hourRollup),
    day: await rollupsBefore("day", before.dayRollup),
    droppedPartitions: [],
  };
}
