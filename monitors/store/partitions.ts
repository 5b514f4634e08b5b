/**
 * PostgreSQL's time partitions of raw results and rollups (migration
 * 20261208000000_partitioned_results). Housekeeping creates them ahead of time, moves rows that
 * landed in a DEFAULT partition into their own, and retention drops whole partitions, so old data
 * leaves no dead space behind. SQLite has plain tables: every function here does nothing there.
 */
import { Prisma } from "@prisma/client";
import type { Db } from "./client";
import { dialectOf } from "./dialect";
import { ADVISORY_LOCKS, lockForTransaction } from "./advisory-lock";
import { executeSql, querySql } from "./raw-sql";
import { pgPoolOf } from "./pg-direct";
import { DAY_MS } from "../core/duration";

export type PartitionUnit = "day" | "month" | "year";

export interface TimePartitionedTable {
  /** The partitioned parent; its DEFAULT partition is `<table>_default`. */
  table: string;
  column: "slot" | "bucket";
  unit: PartitionUnit;
}

export const TIME_PARTITIONED = {
  checkResult: { table: "CheckResult", column: "slot", unit: "day" },
  regionCheck: { table: "RegionCheck", column: "slot", unit: "day" },
  minuteRollup: { table: "Rollup_minute", column: "bucket", unit: "day" },
  hourRollup: { table: "Rollup_hour", column: "bucket", unit: "month" },
  dayRollup: { table: "Rollup_day", column: "bucket", unit: "year" },
} as const satisfies Record<string, TimePartitionedTable>;

/** Start (UTC, ms) of the partition that holds time `t`. */
export function partitionStart(unit: PartitionUnit, t: number): number {
  const d = new Date(t);
  if (unit === "day") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (unit === "month") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Date.UTC(d.getUTCFullYear(), 0, 1);
}

export function partitionEnd(unit: PartitionUnit, start: number): number {
  const d = new Date(start);
  if (unit === "day") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  if (unit === "month") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
}

const NAME_DIGITS: Record<PartitionUnit, number> = { day: 8, month: 6, year: 4 };

/** `CheckResult_p20261207`, `Rollup_hour_p202612`, `Rollup_day_p2026`. */
export function partitionName(t: TimePartitionedTable, start: number): string {
  return `${t.table}_p${new Date(start).toISOString().slice(0, 10).replaceAll("-", "").slice(0, NAME_DIGITS[t.unit])}`;
}

/** The start of the range a partition of `t` covers, from its name; null for any other table. */
export function partitionStartFromName(t: TimePartitionedTable, name: string): number | null {
  const m = new RegExp(`^${t.table}_p(\\d{${NAME_DIGITS[t.unit]}})$`).exec(name);
  if (!m) return null;
  const digits = m[1];
  return Date.UTC(
    Number(digits.slice(0, 4)),
    digits.length > 4 ? Number(digits.slice(4, 6)) - 1 : 0,
    digits.length > 6 ? Number(digits.slice(6, 8)) : 1,
  );
}

/** A timestamp literal for DDL (partition bounds cannot be bound parameters); built from a number only. */
function timestampLiteral(ms: number): string {
  return `'${new Date(ms).toISOString().replace("T", " ").replace("Z", "")}'`;
}

async function childPartitions(db: Db, t: TimePartitionedTable): Promise<string[]> {
  const rows = await querySql<Array<{ name: string }>>(
    db,
    Prisma.sql`SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE i.inhparent = ${`"${t.table}"`}::regclass`,
  );
  return rows.map((r) => r.name);
}

/** Starts of the partitions rows in the DEFAULT partition belong in (usually none). */
async function startsInDefault(db: Db, t: TimePartitionedTable): Promise<number[]> {
  // As epoch milliseconds: a timestamp without time zone could be read back in the local zone.
  const rows = await querySql<Array<{ start: number }>>(
    db,
    Prisma.sql`SELECT DISTINCT (extract(epoch FROM date_trunc(${t.unit}, ${Prisma.raw(`"${t.column}"`)})) * 1000)::float8 AS start
               FROM ${Prisma.raw(`"${t.table}_default"`)}`,
  );
  return rows.map((r) => Number(r.start));
}

/**
 * Creates one partition. When the DEFAULT partition holds rows of its range, they move into the
 * new table before it is attached (PostgreSQL refuses a partition whose rows sit in DEFAULT).
 * Returns how many rows moved.
 */
async function createPartition(db: Db, t: TimePartitionedTable, start: number, moveFromDefault: boolean): Promise<number> {
  const name = `"${partitionName(t, start)}"`;
  const from = timestampLiteral(start);
  const to = timestampLiteral(partitionEnd(t.unit, start));
  return db.$transaction(
    async (tx) => {
      await lockForTransaction(tx, ADVISORY_LOCKS.partitions);
      const exists = await querySql<Array<{ present: boolean }>>(tx, Prisma.sql`SELECT to_regclass(${name}) IS NOT NULL AS present`);
      if (exists[0].present) return 0;
      if (!moveFromDefault) {
        await tx.$executeRawUnsafe(`CREATE TABLE ${name} PARTITION OF "${t.table}" FOR VALUES FROM (${from}) TO (${to})`);
        return 0;
      }
      await tx.$executeRawUnsafe(`CREATE TABLE ${name} (LIKE "${t.table}" INCLUDING DEFAULTS)`);
      const moved = await tx.$executeRawUnsafe(
        `WITH moved AS (DELETE FROM "${t.table}_default" WHERE "${t.column}" >= ${from} AND "${t.column}" < ${to} RETURNING *)
         INSERT INTO ${name} SELECT * FROM moved`,
      );
      await tx.$executeRawUnsafe(`ALTER TABLE "${t.table}" ATTACH PARTITION ${name} FOR VALUES FROM (${from}) TO (${to})`);
      return moved;
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
}

/** How far ahead partitions exist, so a stopped housekeeping pass has days to come back. */
export const PARTITIONS_AHEAD_MS = 3 * DAY_MS;

export interface PartitionPass {
  created: string[];
  movedFromDefault: number;
}

/**
 * Makes sure every partition from `since` (per table; default: now) to PARTITIONS_AHEAD_MS ahead exists, and
 * that rows in the DEFAULT partitions are moved into partitions of their own. Safe to run from
 * every agent at once: creation is serialised by an advisory lock and re-checked under it.
 */
export async function ensurePartitions(
  db: Db,
  now = Date.now(),
  since: Partial<Record<keyof typeof TIME_PARTITIONED, number>> = {},
): Promise<PartitionPass> {
  const pass: PartitionPass = { created: [], movedFromDefault: 0 };
  if (dialectOf(db).provider !== "postgresql") return pass;
  for (const [key, t] of Object.entries(TIME_PARTITIONED) as Array<[keyof typeof TIME_PARTITIONED, TimePartitionedTable]>) {
    const existing = new Set(await childPartitions(db, t));
    const inDefault = new Set(await startsInDefault(db, t));
    const wanted = new Set(inDefault);
    for (let s = partitionStart(t.unit, since[key] ?? now); s <= now + PARTITIONS_AHEAD_MS; s = partitionEnd(t.unit, s)) wanted.add(s);
    for (const start of [...wanted].sort((a, b) => a - b)) {
      if (existing.has(partitionName(t, start))) continue;
      pass.movedFromDefault += await createPartition(db, t, start, inDefault.has(start));
      pass.created.push(partitionName(t, start));
    }
  }
  return pass;
}

export interface PartitionRetention {
  dropped: string[];
  /** Rows deleted from the DEFAULT partition (rows that had no partition of their own). */
  deletedFromDefault: number;
}

/**
 * Drops every partition of `t` whose whole range is older than `before`; rows of the DEFAULT
 * partition older than it are deleted. A partition that straddles `before` stays until its end
 * passes it, so up to one unit more than the retention is kept.
 */
export async function dropPartitionsBefore(db: Db, t: TimePartitionedTable, before: number): Promise<PartitionRetention> {
  const dropped: string[] = [];
  for (const name of await childPartitions(db, t)) {
    const start = partitionStartFromName(t, name);
    if (start === null || partitionEnd(t.unit, start) > before) continue;
    await db.$transaction(async (tx) => {
      await lockForTransaction(tx, ADVISORY_LOCKS.partitions);
      await tx.$executeRawUnsafe(`DROP TABLE IF EXISTS "${name}"`);
    });
    dropped.push(name);
  }
  const deletedFromDefault = await executeSql(
    db,
    Prisma.sql`DELETE FROM ${Prisma.raw(`"${t.table}_default"`)} WHERE ${Prisma.raw(`"${t.column}"`)} < ${new Date(before)}`,
  );
  return { dropped, deletedFromDefault };
}

/**
 * How long after a partition's range ended it is packed: by then no write reaches it (hysteresis
 * corrects slots minutes back, and a late region's check waits seconds for its decision).
 */
export const PACK_AFTER_MS = DAY_MS;

/** Tables whose closed partitions are packed: region checks are dropped after two days anyway. */
const PACKED = [TIME_PARTITIONED.checkResult, TIME_PARTITIONED.minuteRollup, TIME_PARTITIONED.hourRollup, TIME_PARTITIONED.dayRollup];

/** The comment a packed index carries, so each is rebuilt once; an index without it is not packed yet. */
const PACKED_COMMENT = "packed: closed partition, fillfactor 100";

/**
 * Rebuilds the indexes of partitions that take no more writes, full (fillfactor 100). Results come
 * in slot order but the keys start with the monitor, so every monitor's part of an index splits
 * its pages as it grows and a day's index ends about half empty (66 bytes per result where 36 do).
 * REINDEX CONCURRENTLY blocks neither reads nor writes. One agent at a time (session advisory
 * lock); returns the indexes it packed. Nothing on SQLite.
 */
export async function packClosedPartitions(db: Db, now = Date.now()): Promise<string[]> {
  const pool = pgPoolOf(db);
  if (!pool) return [];
  const client = await pool.connect();
  const packed: string[] = [];
  try {
    const lock = await client.query("SELECT pg_try_advisory_lock($1) AS locked", [ADVISORY_LOCKS.partitionPacking]);
    if (!lock.rows[0].locked) return packed;
    try {
      for (const t of PACKED) {
        const { rows } = await client.query<{ partition: string; index: string }>(
          `SELECT c.relname::text AS partition, ic.relname::text AS index
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class ic ON ic.oid = x.indexrelid
           WHERE i.inhparent = $1::regclass AND x.indisvalid AND obj_description(ic.oid, 'pg_class') IS DISTINCT FROM $2
           ORDER BY 1, 2`,
          [`"${t.table}"`, PACKED_COMMENT],
        );
        for (const { partition, index } of rows) {
          const start = partitionStartFromName(t, partition);
          if (start === null || partitionEnd(t.unit, start) + PACK_AFTER_MS > now) continue;
          await client.query(`ALTER INDEX "${index}" SET (fillfactor = 100)`);
          await client.query(`REINDEX INDEX CONCURRENTLY "${index}"`);
          await client.query(`COMMENT ON INDEX "${index}" IS '${PACKED_COMMENT}'`);
          packed.push(index);
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCKS.partitionPacking]);
    }
  } finally {
    client.release();
  }
  return packed;
}
