/**
 * The year of 100 monitors on PostgreSQL: seeded like the SQLite year (bench/storage.ts), then the
 * status page's main uptime query under EXPLAIN (ANALYZE, BUFFERS), then the web throughput of
 * `/` and `/api/v2/summary.json` by the `web` section's method (bench/web-throughput.ts).
 */
import { benchStorage, timeUptimeAllWindows } from "./storage";
import { webThroughput } from "./web-throughput";
import { median, round } from "./util";
import { openDatabase, type Db } from "../monitors/store/client";
import { uptimeForAll } from "../monitors/queries/uptime";

export const PG_WEB_PATHS = ["/", "/api/v2/summary.json"];

/**
 * The same database with PostgreSQL settings for every session of the client (libpq `options`,
 * which node-postgres and so @prisma/adapter-pg pass at connection start).
 */
export function withSettings(databaseUrl: string, settings: Record<string, string>): string {
  const u = new URL(databaseUrl);
  u.searchParams.set(
    "options",
    Object.entries(settings)
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(" "),
  );
  return u.toString();
}

/**
 * The uptime statement's estimated cost sits near jit_above_cost (100,000 by default), so whether
 * PostgreSQL JIT-compiles it depends on the sample the last ANALYZE took. The two cases, made
 * certain: JIT off, and the threshold halved so that this statement (and only statements as
 * expensive) is always compiled, as with the default threshold when the estimate lands above it.
 */
export const JIT_VARIANTS = {
  jitOff: { jit: "off" },
  jitForced: { jit_above_cost: "50000" },
} as const;

/** The storage section's uptime timing, on a connection with the given URL (its settings). */
export async function timeUptime(databaseUrl: string) {
  const { db } = await openDatabase(databaseUrl);
  try {
    return await timeUptimeAllWindows(db);
  } finally {
    await db.$disconnect();
  }
}

interface Captured {
  sql: string;
  values: unknown[];
}

/** The client with its raw queries recorded: querySql hands $queryRawUnsafe the dialect's text and its values. */
function recording(db: Db, into: Captured[]): Db {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "$queryRawUnsafe") {
        return (sql: string, ...values: unknown[]) => {
          into.push({ sql, values });
          return target.$queryRawUnsafe(sql, ...values);
        };
      }
      return Reflect.get(target, prop, target);
    },
  });
}

/** Estimated ÷ actual rows of the plan's scans of "Rollup" that returned rows: how far off the planner's estimates are. */
function rowEstimates(plan: string): { scans: number; minRatio: number; medianRatio: number; maxRatio: number } | null {
  const ratios: number[] = [];
  for (const line of plan.split("\n")) {
    if (!/Scan.* on "Rollup"/.test(line)) continue;
    const m = /rows=(\d+) width=\d+\) \(actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)\)/.exec(line);
    if (m && Number(m[2]) > 0) ratios.push(Number(m[1]) / (Number(m[2]) * Number(m[3])));
  }
  if (!ratios.length) return null;
  return {
    scans: ratios.length,
    minRatio: round(Math.min(...ratios), 4),
    medianRatio: round(median(ratios), 4),
    maxRatio: round(Math.max(...ratios), 4),
  };
}

const show = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

/** The statement with its parameters written in, for reading (EXPLAIN ran it with bound parameters). */
function inline(sql: string, values: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, i) => {
    const v = values[Number(i) - 1];
    return v instanceof Date ? `'${v.toISOString()}'` : typeof v === "string" ? `'${v.replace(/'/g, "''")}'` : String(v);
  });
}

/**
 * uptimeForAll for all monitors and all windows (what the status page reads), captured as the
 * exact statement and parameters it sends, then run under EXPLAIN (ANALYZE, BUFFERS) through the
 * same client (so parameters are bound the same way): 3 warm-up runs, then 7 measured; the plan
 * kept is the one of the median execution time.
 */
export async function explainUptime(databaseUrl: string) {
  const { db } = await openDatabase(databaseUrl);
  try {
    const captured: Captured[] = [];
    await uptimeForAll(recording(db, captured));
    const q = captured.find((c) => c.sql.includes(`FROM "Rollup"`));
    if (!q) throw new Error("uptimeForAll sent no Rollup query");
    const runs: Array<{ plan: string; executionMs: number; planningMs: number; jitMs: number }> = [];
    for (let i = 0; i < 10; i++) {
      const rows = (await db.$queryRawUnsafe(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, ...q.values)) as Array<Record<string, string>>;
      const plan = rows.map((r) => Object.values(r)[0]).join("\n");
      const ms = (label: string) => Number(new RegExp(`${label}: ([\\d.]+) ms`).exec(plan)?.[1] ?? NaN);
      if (i >= 3)
        runs.push({
          plan,
          executionMs: ms("Execution Time"),
          planningMs: ms("Planning Time"),
          jitMs: Number(/JIT:[\s\S]*Total ([\d.]+) ms/.exec(plan)?.[1] ?? NaN),
        });
    }
    const times = runs.map((r) => r.executionMs);
    const mid = median(times);
    const kept = runs.find((r) => r.executionMs === mid)!;
    return {
      statement: q.sql,
      parameters: q.values.map(show),
      readable: inline(q.sql, q.values),
      pieces: (q.sql.match(/UNION ALL/g) ?? []).length + 1,
      executionMs: { median: round(mid, 3), min: round(Math.min(...times), 3), max: round(Math.max(...times), 3), runs: times.length },
      planningMs: { median: round(median(runs.map((r) => r.planningMs)), 3) },
      /** Time spent compiling the statement (the plan's "JIT: … Total"), when PostgreSQL used JIT; else null. */
      jitMs: Number.isFinite(kept.jitMs) ? { median: round(median(runs.map((r) => r.jitMs)), 3) } : null,
      rowEstimates: rowEstimates(kept.plan),
      totalCost: Number(/^\S.*cost=[\d.]+\.\.([\d.]+)/.exec(kept.plan)?.[1] ?? NaN),
      plan: kept.plan,
    };
  } finally {
    await db.$disconnect();
  }
}

export async function benchPgWeb(opts: { reuse: boolean; log: (s: string) => void }) {
  const { log } = opts;
  log(
    opts.reuse
      ? "pg-web: the PostgreSQL year of the last run (BENCH_REUSE_YEAR=1), if there is one"
      : "pg-web: seeding a year of 100 monitors at 60 s into PostgreSQL (this takes several minutes)",
  );
  const storage = await benchStorage({ provider: "postgresql", reuse: opts.reuse });
  log(JSON.stringify(storage));
  log("pg-web: EXPLAIN (ANALYZE, BUFFERS) of the status page's uptime query");
  const explain = await explainUptime(storage.databaseUrl);
  log(`execution ${JSON.stringify(explain.executionMs)} ms\n${explain.plan}`);
  log("pg-web: web throughput on the PostgreSQL year");
  const web = await webThroughput(storage.databaseUrl, { paths: PG_WEB_PATHS, barePaths: PG_WEB_PATHS, log });
  // The same figures with JIT certainly off and certainly on for this statement (see JIT_VARIANTS).
  const variants: Record<string, unknown> = {};
  for (const [name, settings] of Object.entries(JIT_VARIANTS)) {
    const url = withSettings(storage.databaseUrl, settings);
    log(`pg-web: the uptime query and / again with ${JSON.stringify(settings)}`);
    const v = {
      settings,
      uptimeAllWindowsMs: await timeUptime(url),
      explain: await explainUptime(url),
      web: await webThroughput(url, { paths: ["/"], barePaths: ["/"], log }),
    };
    log(
      `${name}: ${JSON.stringify(v.uptimeAllWindowsMs)}; execution ${JSON.stringify(v.explain.executionMs)} ms, JIT ${JSON.stringify(v.explain.jitMs)}`,
    );
    variants[name] = v;
  }
  return { storage, explain, web, ...variants };
}
