import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { missing } from "../helpers/external-parts";
import { createMonitors } from "../helpers/regions";
import { resultWriter, type LiveState } from "@/monitors/store/result-writer";
import { INITIAL_STATE } from "@/monitors/evaluate/hysteresis";
import { applyRetention, DEFAULT_RETENTION } from "@/monitors/store/retention";
import {
  ensurePartitions,
  packClosedPartitions,
  PARTITIONS_AHEAD_MS,
  partitionName,
  partitionStart,
  TIME_PARTITIONED,
} from "@/monitors/store/partitions";
import { pgPoolOf } from "@/monitors/store/pg-direct";
import { uptimeForAll } from "@/monitors/queries/uptime";
import { openDatabase } from "@/monitors/store/client";
import { PROVIDERS } from "@/scripts/prisma-schemas.mjs";
import { TEST_POSTGRES_URL } from "../helpers/external-parts";

const MIN = 60_000;
const DAY = 86_400_000;

// PostgreSQL's time partitions (migration 20261208000000_partitioned_results, monitors/store/partitions.ts)
// with the real result writer and retention; SQLite keeps plain tables and is covered by result-writer.test.ts.
describe.skipIf(missing("postgres"))("time partitions on PostgreSQL", () => {
  let t: TempDb;
  let monitorId: number;
  const states = new Map<number, LiveState>();

  beforeEach(async () => {
    t = await createTempDb("postgresql");
    [monitorId] = await createMonitors(t.db, 1);
    states.set(monitorId, { hysteresis: INITIAL_STATE, lastSlot: null, confirm: { down: 3, up: 2 } });
  });
  afterEach(async () => t.cleanup());

  const outcome = (slot: number) => ({
    monitorId,
    region: "default",
    slot,
    latenessMs: 1,
    result: { status: "up" as const, phases: { totalMs: 20 }, details: {} },
  });

  /** Writes `count` up results a minute apart from `from`, through the writer the agent uses. */
  async function writeResults(from: number, count: number) {
    states.set(monitorId, { ...states.get(monitorId)!, lastSlot: null });
    const writer = resultWriter(t.db, states);
    for (let i = 0; i < count; i++) writer.push(outcome(from + i * MIN));
    await writer.flush();
  }

  /** Which partition holds each result, by slot. */
  async function partitionsOfResults(): Promise<Map<number, string>> {
    const rows = await t.db.$queryRawUnsafe<Array<{ slot: Date; part: string }>>(
      `SELECT "slot", tableoid::regclass::text AS part FROM "CheckResult" WHERE "monitorId" = $1`,
      monitorId,
    );
    return new Map(rows.map((r) => [new Date(r.slot).getTime(), r.part.replaceAll('"', "")]));
  }

  async function tableExists(name: string): Promise<boolean> {
    const [row] = await t.db.$queryRawUnsafe<Array<{ present: boolean }>>(`SELECT to_regclass($1) IS NOT NULL AS present`, `"${name}"`);
    return row.present;
  }

  it("housekeeping creates today's partitions and those ahead; results land in them, rows from long ago in DEFAULT until moved", async () => {
    const now = Date.now();
    const pass = await ensurePartitions(t.db, now);
    const today = partitionStart("day", now);
    for (let d = today; d <= now + PARTITIONS_AHEAD_MS; d += DAY) {
      expect(pass.created).toContain(partitionName(TIME_PARTITIONED.checkResult, d));
      expect(pass.created).toContain(partitionName(TIME_PARTITIONED.minuteRollup, d));
    }
    expect(pass.created).toContain(partitionName(TIME_PARTITIONED.hourRollup, partitionStart("month", now)));
    expect(pass.created).toContain(partitionName(TIME_PARTITIONED.dayRollup, partitionStart("year", now)));
    // A second pass (another agent, the next hour) has nothing to do.
    expect((await ensurePartitions(t.db, now)).created).toEqual([]);

    const recent = now - 10 * MIN - (now % MIN);
    const old = partitionStart("day", now - 130 * DAY) + 12 * 60 * MIN;
    await writeResults(recent, 3);
    await writeResults(old, 3);
    const before = (await uptimeForAll(t.db)).get(monitorId)!["1y"];
    let where = await partitionsOfResults();
    expect(where.get(recent)).toBe(partitionName(TIME_PARTITIONED.checkResult, partitionStart("day", recent)));
    expect(where.get(old)).toBe("CheckResult_default");

    const moved = await ensurePartitions(t.db, now);
    expect(moved.created).toContain(partitionName(TIME_PARTITIONED.checkResult, partitionStart("day", old)));
    expect(moved.created).toContain(partitionName(TIME_PARTITIONED.hourRollup, partitionStart("month", old)));
    expect(moved.movedFromDefault).toBeGreaterThanOrEqual(3 + 3 + 1); // results, minute rollups, an hour rollup
    where = await partitionsOfResults();
    expect(where.get(old)).toBe(partitionName(TIME_PARTITIONED.checkResult, partitionStart("day", old)));
    expect(where.size).toBe(6);
    for (const table of ["CheckResult", "RegionCheck", "Rollup_minute", "Rollup_hour", "Rollup_day"]) {
      const [{ n }] = await t.db.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${table}_default"`);
      expect(n, `${table}_default`).toBe(0);
    }
    expect((await uptimeForAll(t.db)).get(monitorId)!["1y"]).toEqual(before);
  });

  it("retention drops whole partitions past the cutoff, keeps one that straddles it, and the year's uptime stays the same", async () => {
    const now = Date.now();
    const old = partitionStart("day", now - 130 * DAY) + 12 * 60 * MIN;
    // Inside the 14 days, in the partition that the cutoff cuts through.
    const straddling = now - DEFAULT_RETENTION.rawDays * DAY + 30 * MIN;
    await writeResults(old, 3);
    await writeResults(straddling - (straddling % MIN), 2);
    await writeResults(now - 5 * MIN - (now % MIN), 2);
    await ensurePartitions(t.db, now);
    const before = (await uptimeForAll(t.db)).get(monitorId)!["1y"];

    const removed = await applyRetention(t.db, DEFAULT_RETENTION, now);
    const oldResults = partitionName(TIME_PARTITIONED.checkResult, partitionStart("day", old));
    const oldMinutes = partitionName(TIME_PARTITIONED.minuteRollup, partitionStart("day", old));
    const oldHours = partitionName(TIME_PARTITIONED.hourRollup, partitionStart("month", old));
    expect(removed.droppedPartitions).toEqual(expect.arrayContaining([oldResults, oldMinutes, oldHours]));
    expect(removed.droppedPartitions).not.toContain(partitionName(TIME_PARTITIONED.checkResult, partitionStart("day", straddling)));
    // Nothing was in DEFAULT, so no row was deleted one by one.
    expect([removed.raw, removed.minute, removed.hour, removed.day]).toEqual([0, 0, 0, 0]);
    for (const name of [oldResults, oldMinutes, oldHours]) expect(await tableExists(name), name).toBe(false);
    expect(await t.db.checkResult.count({ where: { monitorId } })).toBe(4);
    expect((await uptimeForAll(t.db)).get(monitorId)!["1y"]).toEqual(before);
  });

  it("retention deletes rows that sit in DEFAULT past the cutoff (no partition was ever made for them)", async () => {
    const now = Date.now();
    const old = now - 130 * DAY - (now % MIN);
    await writeResults(old, 5);
    const removed = await applyRetention(t.db, DEFAULT_RETENTION, now);
    expect(removed.raw).toBe(5);
    expect(removed.minute).toBe(5);
    expect(await t.db.checkResult.count({ where: { monitorId } })).toBe(0);
  });

  it("region checks are kept two days by default, the decided results fourteen", async () => {
    const now = Date.now();
    const threeDaysAgo = now - 3 * DAY - (now % MIN);
    await writeResults(threeDaysAgo, 1);
    await t.db.regionCheck.create({
      data: { monitorId, slot: new Date(threeDaysAgo), region: "eu", agentId: "a", latenessMs: 1, status: "up", totalMs: 20 },
    });
    await t.db.regionCheck.create({
      data: { monitorId, slot: new Date(now - 10 * MIN), region: "eu", agentId: "a", latenessMs: 1, status: "up", totalMs: 20 },
    });
    await ensurePartitions(t.db, now, { checkResult: threeDaysAgo, regionCheck: threeDaysAgo });
    const removed = await applyRetention(t.db, DEFAULT_RETENTION, now);
    expect(DEFAULT_RETENTION.regionCheckDays).toBe(2);
    expect(removed.droppedPartitions).toContain(partitionName(TIME_PARTITIONED.regionCheck, partitionStart("day", threeDaysAgo)));
    expect(removed.droppedPartitions).not.toContain(partitionName(TIME_PARTITIONED.checkResult, partitionStart("day", threeDaysAgo)));
    expect((await t.db.regionCheck.findMany({ where: { monitorId } })).map((r) => r.slot.getTime())).toEqual([now - 10 * MIN]);
    expect(await t.db.checkResult.count({ where: { monitorId, slot: new Date(threeDaysAgo) } })).toBe(1);
  });

  it("housekeeping packs the indexes of closed partitions once, leaves open ones alone, and keeps every row", async () => {
    const ids = await createMonitors(t.db, 40, "pack");
    const now = Date.now();
    const closedDay = partitionStart("day", now - 3 * DAY);
    await ensurePartitions(t.db, now, { checkResult: closedDay });
    // Slot after slot for 40 monitors, as agents write: the key starts with the monitor, so the index splits its pages.
    const pool = pgPoolOf(t.db)!;
    await pool.query(
      `INSERT INTO "CheckResult" ("monitorId", "slot", "region", "latenessMs", "status", "effective")
       SELECT m, $1::timestamp(3) + make_interval(mins => s), 'default', 1, 'up', 'up'
       FROM generate_series(0, 1439) AS s, unnest($2::int[]) AS m ORDER BY s, m`,
      [new Date(closedDay).toISOString(), ids],
    );
    const closedIndex = `${partitionName(TIME_PARTITIONED.checkResult, closedDay)}_pkey`;
    const openIndex = `${partitionName(TIME_PARTITIONED.checkResult, partitionStart("day", now))}_pkey`;
    const size = async (index: string) =>
      Number((await pool.query(`SELECT pg_relation_size($1::regclass) AS b`, [`"${index}"`])).rows[0].b);
    const rows = async () => Number((await pool.query(`SELECT count(*) AS n FROM "CheckResult"`)).rows[0].n);
    const before = await size(closedIndex);
    const rowsBefore = await rows();

    const packed = await packClosedPartitions(t.db, now);
    expect(packed).toContain(closedIndex);
    expect(packed).not.toContain(openIndex);
    const after = await size(closedIndex);
    expect(after, `index of ${rowsBefore} results: ${before} bytes before, ${after} after`).toBeLessThan(before * 0.7);
    expect(await rows()).toBe(rowsBefore);
    // Still the partition's key: a duplicate is refused.
    await expect(
      pool.query(
        `INSERT INTO "CheckResult" ("monitorId", "slot", "region", "latenessMs", "status", "effective") VALUES ($1, $2::timestamp(3), 'default', 1, 'up', 'up')`,
        [ids[0], new Date(closedDay).toISOString()],
      ),
    ).rejects.toThrow(/duplicate key/);
    expect(await packClosedPartitions(t.db, now), "packed once").toEqual([]);
  });

  it("agents preparing partitions at the same moment make each one once", async () => {
    const others = await Promise.all([openDatabase(t.url), openDatabase(t.url), openDatabase(t.url)]);
    try {
      const now = Date.now();
      const passes = await Promise.all(others.map(({ db }) => ensurePartitions(db, now)));
      const all = passes.flatMap((p) => p.created);
      expect(new Set(all).size).toBeGreaterThan(0);
      const [{ n }] = await t.db.$queryRawUnsafe<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = '"CheckResult"'::regclass`,
      );
      expect(n).toBe(1 + Math.floor((now + PARTITIONS_AHEAD_MS - partitionStart("day", now)) / DAY) + 1); // DEFAULT + days
    } finally {
      for (const { db } of others) await db.$disconnect();
    }
  });
});

// The migration itself, on a database that already holds results from before it.
describe.skipIf(missing("postgres"))("the partitioning migration", () => {
  it("keeps every row of the plain tables, and housekeeping then moves them into their partitions", async () => {
    const name = `status_partition_migration_${process.pid}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = TEST_POSTGRES_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const dirs = readdirSync(PROVIDERS.postgresql.migrations, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
      const partitioning = dirs.indexOf("20261208000000_partitioned_results");
      expect(partitioning).toBeGreaterThan(0);
      const sqlOf = (dir: string) => readFileSync(join(PROVIDERS.postgresql.migrations, dir, "migration.sql"), "utf8");
      for (const dir of dirs.slice(0, partitioning)) await client.query(sqlOf(dir));

      await client.query(
        `INSERT INTO "Monitor" (slug, name, kind, config, "intervalSec", "timeoutMs", "phaseMs", "updatedAt")
         VALUES ('m', 'M', 'tcp', '{}', 60, 1000, 0, now())`,
      );
      const slots = [Date.now() - 2 * DAY, Date.now() - 30 * MIN, Date.now() - 29 * MIN].map((s) => new Date(s - (s % MIN)));
      for (const slot of slots) {
        await client.query(
          `INSERT INTO "CheckResult" ("monitorId", slot, "latenessMs", status, effective, "totalMs") VALUES (1, $1, 1, 'up', 'up', 20)`,
          [slot],
        );
        await client.query(`INSERT INTO "Rollup" ("monitorId", resolution, bucket, up) VALUES (1, 'minute', $1, 1)`, [slot]);
        await client.query(
          `INSERT INTO "RegionCheck" ("monitorId", slot, region, "agentId", "latenessMs", status) VALUES (1, $1, 'eu', 'a', 1, 'up')`,
          [slot],
        );
      }
      await client.query(`INSERT INTO "Rollup" ("monitorId", resolution, bucket, up) VALUES (1, 'month', '2026-01-01', 9)`);

      await client.query(sqlOf(dirs[partitioning]));
      const count = async (table: string) => (await client.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n;
      expect(await count("CheckResult")).toBe(3);
      expect(await count("CheckResult_default")).toBe(3);
      expect(await count("RegionCheck")).toBe(3);
      expect(await count("Rollup")).toBe(4);
      expect(await count("Rollup_month")).toBe(1);

      // The remaining migrations, then the housekeeping pass an agent runs at start.
      for (const dir of dirs.slice(partitioning + 1)) await client.query(sqlOf(dir));
      const { db } = await openDatabase(url);
      try {
        const pass = await ensurePartitions(db);
        expect(pass.movedFromDefault).toBe(9);
        expect(await count("CheckResult")).toBe(3);
        expect(await count("CheckResult_default")).toBe(0);
        expect(await count("Rollup_minute_default")).toBe(0);
        expect(await count("RegionCheck_default")).toBe(0);
      } finally {
        await db.$disconnect();
      }
    } finally {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
