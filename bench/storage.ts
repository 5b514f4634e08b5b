/** Storage figures: a year of 100 monitors at 60 s, seeded through the store's own functions, on SQLite or PostgreSQL. */
import { statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { seedHistory } from "./seed-history";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { freshDb, freshPgDb, median, pgDatabaseExists, pgDatabaseUrl, quantile, round, WORK_DIR } from "./util";
import { openDatabase, type Db } from "../monitors/store/client";
import { uptimeForAll } from "../monitors/queries/uptime";

/** The PostgreSQL database the pg-web section seeds the year into. */
export const PG_YEAR_DATABASE = "status_bench_year";

type Provider = "sqlite" | "postgresql";

/** Database size, its largest tables and indexes, and the bytes of the raw result table with its keys. */
interface SizeFigures {
  bytes: number;
  tables: Array<{ name: string; bytes: number }>;
  resultBytes: number;
  /** PostgreSQL: how much of the largest tables is live rows and how much free space VACUUM left for reuse (pgstattuple). */
  freeSpace?: Array<{ name: string; mb: number; liveMb: number; freePercent: number }>;
}

/** SQLite: checkpoint the WAL, VACUUM, then the file size and dbstat's pages per table and index. */
async function sqliteSizes(db: Db, file: string): Promise<SizeFigures> {
  await db.$executeRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
  await db.$executeRawUnsafe("VACUUM");
  const bytes = statSync(file).size;
  const rows = (await db.$queryRawUnsafe(`SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC`)) as Array<{
    name: string;
    bytes: bigint | number;
  }>;
  const tables = rows.map((t) => ({ name: t.name, bytes: Number(t.bytes) }));
  const resultBytes = tables
    .filter(({ name: n }) => n === "CheckResult" || n.startsWith("CheckResult_") || n.startsWith("sqlite_autoindex_CheckResult"))
    .reduce((a, t) => a + t.bytes, 0);
  return { bytes, tables, resultBytes };
}

/**
 * PostgreSQL: VACUUM ANALYZE (so the planner has statistics and the visibility map is set, as
 * autovacuum would leave it), then pg_database_size, each table's and index's own size, and
 * pg_total_relation_size of CheckResult (heap, TOAST and its indexes).
 */
async function postgresSizes(db: Db): Promise<SizeFigures> {
  await db.$executeRawUnsafe("VACUUM ANALYZE");
  const [{ bytes }] = (await db.$queryRawUnsafe(`SELECT pg_database_size(current_database()) AS bytes`)) as Array<{
    bytes: bigint | number;
  }>;
  // Partitions (and their indexes) are counted under the table (or index) they belong to.
  const rows = (await db.$queryRawUnsafe(
    `SELECT trim(both '"' from coalesce(pg_partition_root(c.oid), c.oid::regclass)::text) AS name,
            sum(CASE WHEN c.relkind = 'i' THEN pg_relation_size(c.oid) ELSE pg_table_size(c.oid) END)::bigint AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')
      GROUP BY 1 ORDER BY bytes DESC`,
  )) as Array<{ name: string; bytes: bigint | number }>;
  const [{ total }] = (await db.$queryRawUnsafe(
    `SELECT sum(pg_total_relation_size(relid))::bigint AS total FROM pg_partition_tree('"CheckResult"') WHERE isleaf`,
  )) as Array<{ total: bigint | number }>;
  // Unlike SQLite's VACUUM, PostgreSQL's keeps the files and marks dead rows' space free for
  // reuse: the minute rollups retention deleted leave most of "Rollup" free, for the next ones.
  let freeSpace: SizeFigures["freeSpace"];
  try {
    await db.$executeRawUnsafe("CREATE EXTENSION IF NOT EXISTS pgstattuple");
    freeSpace = [];
    for (const name of ["CheckResult", "Rollup"]) {
      // Over every partition of the table (a plain table is its own one leaf).
      const [r] = (await db.$queryRawUnsafe(
        `SELECT sum(s.table_len)::bigint AS table_len, sum(s.tuple_len)::bigint AS tuple_len, sum(s.free_space)::bigint AS free_space
           FROM pg_partition_tree('"${name}"') p, LATERAL pgstattuple(p.relid) s WHERE p.isleaf`,
      )) as Array<{ table_len: bigint | number; tuple_len: bigint | number; free_space: bigint | number }>;
      freeSpace.push({
        name,
        mb: round(Number(r.table_len) / 1048576, 2),
        liveMb: round(Number(r.tuple_len) / 1048576, 2),
        freePercent: round((100 * Number(r.free_space)) / Math.max(1, Number(r.table_len)), 1),
      });
    }
  } catch {
    freeSpace = undefined; // pgstattuple not installed on this server
  }
  return {
    bytes: Number(bytes),
    tables: rows.map((t) => ({ name: t.name, bytes: Number(t.bytes) })),
    resultBytes: Number(total),
    freeSpace,
  };
}

/** Opens (reuse) or creates the year database of the provider. */
async function yearDatabase(
  provider: Provider,
  reuse: boolean,
  monitors: number,
): Promise<{ db: Db; url: string; file?: string; reused: boolean }> {
  if (provider === "postgresql") {
    if (reuse && (await pgDatabaseExists(PG_YEAR_DATABASE))) {
      const url = pgDatabaseUrl(PG_YEAR_DATABASE);
      const { db } = await openDatabase(url);
      // Only a year of as many monitors: a smaller trial seeding is seeded again.
      if ((await db.checkResult.count()) > 0 && (await db.monitor.count()) === monitors) return { db, url, reused: true };
      await db.$disconnect();
    }
    const { db, url } = await freshPgDb(PG_YEAR_DATABASE);
    return { db, url, reused: false };
  }
  const existing = join(WORK_DIR, "year.db");
  if (reuse && existsSync(existing)) {
    const url = `file:${existing}`;
    return { db: (await openDatabase(url, { busyTimeoutMs: 5000 })).db, url, file: existing, reused: true };
  }
  const { db, url, file } = await freshDb("year");
  return { db, url, file, reused: false };
}

/**
 * `reuse`: measure the year database of an earlier run instead of seeding again (for iterating on the other benches).
 * `provider`: SQLite (bench/.work/year.db, the default) or PostgreSQL (database status_bench_year on the bench server).
 */
export async function benchStorage(opts: { monitors?: number; days?: number; reuse?: boolean; provider?: Provider } = {}) {
  const monitors = opts.monitors ?? 100;
  const days = opts.days ?? 365;
  const provider = opts.provider ?? "sqlite";
  const { db, url, file, reused: reuse } = await yearDatabase(provider, Boolean(opts.reuse), monitors);
  const t0 = performance.now();
  const seeded = reuse ? { rawResults: NaN } : await seedHistory(db, { monitors, days, rawDays: 14 });
  const seedSeconds = reuse ? NaN : (performance.now() - t0) / 1000;
  const sizes = provider === "postgresql" ? await postgresSizes(db) : await sqliteSizes(db, file!);
  const rawRows = await db.checkResult.count();
  const rollupRows = await db.rollup.count();

  const uptimeAllWindowsMs = await timeUptimeAllWindows(db);
  await db.$disconnect();
  return {
    ...(provider === "postgresql" ? { provider } : {}),
    databaseUrl: url,
    monitors,
    days,
    seedSeconds: round(seedSeconds, 1),
    rawRows,
    rawWritten: seeded.rawResults,
    rollupRows,
    fileMb: round(sizes.bytes / 1048576, 1),
    bytesPerResult: round(sizes.resultBytes / rawRows, 1),
    tables: sizes.tables.slice(0, 8).map((t) => ({ name: t.name, mb: round(t.bytes / 1048576, 2) })),
    uptimeAllWindowsMs,
    ...(sizes.freeSpace ? { freeSpace: sizes.freeSpace } : {}),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const provider = process.argv[4] === "postgresql" ? "postgresql" : "sqlite";
  console.log(
    JSON.stringify(
      await benchStorage({ monitors: Number(process.argv[2] ?? 100), days: Number(process.argv[3] ?? 365), provider }),
      null,
      2,
    ),
  );
}

/** uptimeForAll for all monitors and windows: 5 warm-up runs, then 50 timed; median and p95 in ms. */
export async function timeUptimeAllWindows(db: Db) {
  for (let i = 0; i < 5; i++) await uptimeForAll(db);
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const s = performance.now();
    await uptimeForAll(db);
    times.push(performance.now() - s);
  }
  return { median: round(median(times)), p95: round(quantile(times, 0.95)) };
}
