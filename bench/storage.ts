/** Storage figures: a year of 100 monitors at 60 s, seeded through the store's own functions. */
import { statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { seedHistory } from "./seed-history";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { freshDb, median, quantile, round, WORK_DIR } from "./util";
import { openDatabase } from "../monitors/store/client";
import { uptimeForAll } from "../monitors/queries/uptime";

/** `reuse`: measure the year database of an earlier run instead of seeding again (for iterating on the other benches). */
export async function benchStorage(opts: { monitors?: number; days?: number; reuse?: boolean } = {}) {
  const monitors = opts.monitors ?? 100;
  const days = opts.days ?? 365;
  const existing = join(WORK_DIR, "year.db");
  const reuse = opts.reuse && existsSync(existing);
  const { db, file, url } = reuse ? { ...(await openDatabase(`file:${existing}`, { busyTimeoutMs: 5000 })), file: existing, url: `file:${existing}` } : await freshDb("year");
  const t0 = performance.now();
  const seeded = reuse ? { rawResults: NaN } : await seedHistory(db, { monitors, days, rawDays: 14 });
  const seedSeconds = reuse ? NaN : (performance.now() - t0) / 1000;
  await db.$executeRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
  await db.$executeRawUnsafe("VACUUM");
  const fileBytes = statSync(file).size;
  const tables = (await db.$queryRawUnsafe(
    `SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC`,
  )) as Array<{ name: string; bytes: bigint | number }>;
  const rawRows = await db.checkResult.count();
  const rollupRows = await db.rollup.count();
  const byName = new Map(tables.map((t) => [t.name, Number(t.bytes)]));
  const resultBytes = [...byName].filter(([n]) => n === "CheckResult" || n.startsWith("CheckResult_") || n.startsWith("sqlite_autoindex_CheckResult")).reduce((a, [, b]) => a + b, 0);

  // Uptime for all windows, all monitors: warm up, then time 50 runs.
  for (let i = 0; i < 5; i++) await uptimeForAll(db);
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const s = performance.now();
    await uptimeForAll(db);
    times.push(performance.now() - s);
  }
  await db.$disconnect();
  return {
    databaseUrl: url,
    monitors,
    days,
    seedSeconds: round(seedSeconds, 1),
    rawRows,
    rawWritten: seeded.rawResults,
    rollupRows,
    fileMb: round(fileBytes / 1048576, 1),
    bytesPerResult: round(resultBytes / rawRows, 1),
    tables: tables.slice(0, 8).map((t) => ({ name: t.name, mb: round(Number(t.bytes) / 1048576, 2) })),
    uptimeAllWindowsMs: { median: round(median(times)), p95: round(quantile(times, 0.95)) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchStorage({ monitors: Number(process.argv[2] ?? 100), days: Number(process.argv[3] ?? 365) }), null, 2));
}
