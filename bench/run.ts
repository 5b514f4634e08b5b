/**
 * npm run bench — prints every figure and rewrites BENCHMARKS.md with them.
 * Order matters: the year database from the storage bench is what the web benches serve.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { benchStorage } from "./storage";
import { measureProbeError } from "./measurement-error";
import { benchLateness } from "./lateness";
import { httpLoad } from "./http-load";
import { webThroughput } from "./web-throughput";
import { benchPgWeb, PG_WEB_PATHS } from "./pg-web";
import { benchScaleLateness } from "./scale-lateness";
import { startWeb } from "../tests/helpers/web-process";
import { renderBenchmarks } from "./report";
import { benchRegistryPull } from "./registry-pull";
import { loadUnderProbing, STORM } from "./load-under-probing";
import { benchCspCost } from "./csp-cost";
import { benchLighthouse } from "./lighthouse";
import { seedHistory } from "./seed-history";
import { freshDb } from "./util";
import { benchConfigSync } from "./config-sync";
import { benchHeartbeatIntake } from "./heartbeat-intake";

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const log = (s: string) => console.log(`[bench] ${s}`);

// A run of some sections keeps the other sections' figures from the last run.
const previous = only.length && existsSync("bench/last-run.json") ? JSON.parse(readFileSync("bench/last-run.json", "utf8")) : {};
const figures: Record<string, unknown> = {
  ...previous,
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
};

const reuse = process.env.BENCH_REUSE_YEAR === "1";
// The year database is what the storage, error, web and lighthouse sections measure; the others need none.
const needsYear = want("storage") || want("error") || want("web") || want("lighthouse");
// The lighthouse section alone only serves the year: it leaves the storage figures of the last run as they were.
const recordsStorage = want("storage") || want("error") || want("web");
if (needsYear)
  log(
    reuse
      ? "storage: measuring the year database of the last run (BENCH_REUSE_YEAR=1)"
      : "storage: seeding a year of 100 monitors at 60 s (this takes a few minutes)",
  );
const storage = needsYear ? await benchStorage({ reuse }) : null;
// A reused database was seeded by an earlier run: keep that run's seeding figures.
const prevStorage = (previous as { storage?: { seedSeconds?: number; rawWritten?: number } }).storage;
if (storage && recordsStorage) {
  figures.storage =
    reuse && prevStorage ? { ...storage, seedSeconds: prevStorage.seedSeconds, rawWritten: prevStorage.rawWritten } : storage;
  log(JSON.stringify(storage));
}

if (want("error") && storage) {
  log("measurement error: idle");
  const idle = await measureProbeError(300);
  log(JSON.stringify(idle));
  log("measurement error: web serving / under load (autocannon, 10 connections, separate process)");
  const web = await startWeb(storage.databaseUrl);
  const load = httpLoad(`${web.url}/`, 10, 25);
  await new Promise((r) => setTimeout(r, 2000));
  const underLoad = await measureProbeError(300);
  const pageLoad = await load;
  await web.stop();
  figures.measurementError = { idle, underLoad, pageLoad };
  log(JSON.stringify(figures.measurementError));
}

if (want("web") && storage) {
  log("web throughput on the year database");
  const slug = "monitor-001";
  figures.web = await webThroughput(storage.databaseUrl, {
    paths: ["/", `/monitors/${slug}`, "/api/v2/summary.json", `/badge/${slug}/uptime.svg`],
    barePaths: ["/", "/api/v2/summary.json", `/badge/${slug}/uptime.svg`],
    log,
  });
}

if (want("lighthouse") && storage) {
  log(
    "lighthouse: mobile preset, median of 3 runs, on / and a monitor page; the default monitor set (90 days of history), then the year of 100 monitors",
  );
  // The default monitor set (monitors/openregistry.yaml, 17 monitors) with 90 days of history.
  const defaults = await freshDb("lighthouse-default");
  await seedHistory(defaults.db, {
    monitors: 0,
    days: 90,
    rawDays: 1,
    seed: 5,
    configText: readFileSync("monitors/openregistry.yaml", "utf8"),
  });
  await defaults.db.$disconnect();
  const before = loadavg().map((v) => Number(v.toFixed(2)));
  const pages = await benchLighthouse(
    [
      { name: "default monitor set (17 monitors, 90 days)", databaseUrl: defaults.url, slug: "registry-api" },
      { name: "year of 100 monitors", databaseUrl: storage.databaseUrl, slug: "monitor-001" },
    ],
    log,
  );
  figures.lighthouse = { pages, machineLoad: { before, after: loadavg().map((v) => Number(v.toFixed(2))) } };
}

// The machine's load average around a section: other work on this two-core machine shows there.
const load = () => loadavg().map((v) => Number(v.toFixed(2)));
const command = only.length ? `npm run bench -- ${only.join(" ")}` : "npm run bench";
const runDate = String(figures.date).slice(0, 10);

if (want("pg-web")) {
  const before = load();
  const pg = await benchPgWeb({ reuse, log });
  // A reused database was seeded by an earlier run: keep that run's seeding figures.
  const prevPg = (previous as { pgWeb?: { storage?: { seedSeconds?: number; rawWritten?: number } } }).pgWeb?.storage;
  if (reuse && prevPg && !Number.isFinite(pg.storage.seedSeconds))
    Object.assign(pg.storage, { seedSeconds: prevPg.seedSeconds, rawWritten: prevPg.rawWritten });
  // The SQLite figures it is compared with: this run's web and storage sections, else the last run's.
  const prevRuns = (previous as { sectionRuns?: Record<string, string> }).sectionRuns ?? {};
  const sqliteWeb = ((figures.web as Array<{ url: string }> | undefined) ?? []).filter((r) =>
    PG_WEB_PATHS.includes(new URL(r.url).pathname),
  );
  const sqliteStorage = figures.storage as Record<string, unknown> | undefined;
  figures.pgWeb = {
    ...pg,
    sqlite: {
      webRun: want("web") ? `${command} on ${runDate}` : (prevRuns.web ?? null),
      storageRun: needsYear ? `${command} on ${runDate}` : (prevRuns.storage ?? null),
      web: sqliteWeb,
      storage: sqliteStorage
        ? {
            fileMb: sqliteStorage.fileMb,
            bytesPerResult: sqliteStorage.bytesPerResult,
            rawRows: sqliteStorage.rawRows,
            rollupRows: sqliteStorage.rollupRows,
            seedSeconds: sqliteStorage.seedSeconds,
            uptimeAllWindowsMs: sqliteStorage.uptimeAllWindowsMs,
          }
        : null,
    },
    machineLoad: { before, after: load() },
  };
}

if (want("registry")) {
  log("registry pull check and push canary against docker-registry (token auth), 100 runs each");
  const before = load();
  const started = performance.now();
  const registry = await benchRegistryPull(100);
  figures.registryPull = { ...registry, seconds: Math.round((performance.now() - started) / 1000), machineLoad: { before, after: load() } };
  log(JSON.stringify(figures.registryPull));
}

if (want("lateness")) {
  log("scheduler lateness: 2,000 monitors at 60 s for 75 s");
  figures.lateness = await benchLateness({ monitors: 2000, seconds: 75 });
  log(JSON.stringify(figures.lateness));
}

if (want("csp")) {
  log("csp: the cost of hashing inline scripts into the Content-Security-Policy");
  figures.csp = await benchCspCost();
  log(JSON.stringify(figures.csp));
}

if (want("load")) {
  log("load: 200 connections for 60 s on the page, summary.json and a badge while the agent probes 500 monitors");
  figures.loadUnderProbing = await loadUnderProbing({ monitors: 500, connections: 200, seconds: 60, quietSeconds: 30, log });
  log(JSON.stringify(figures.loadUnderProbing));
}

if (want("storm")) {
  log(
    "storm: the load run while the target of 500 monitors refuses connections for 60 s; 50 healthy monitors measured; a webhook that answers after 2 s",
  );
  figures.storm = await loadUnderProbing({ monitors: 500, connections: 200, seconds: 60, storm: STORM, name: "storm", log });
  log(JSON.stringify(figures.storm));
}

if (want("scale-lateness")) {
  log(
    "scale-lateness: 10,000 monitors at 60 s over 3 agents in one region on PostgreSQL (leases settle, then two full intervals; 4 to 8 minutes)",
  );
  figures.scaleLateness = await benchScaleLateness({
    monitors: 10_000,
    agents: 3,
    windowSeconds: 120,
    settleTimeoutSeconds: 300,
    log: (s) => log(`scale-lateness: ${s}`),
  });
  log(JSON.stringify(figures.scaleLateness));
}

if (want("sync")) {
  log("config sync: 10,000 monitors on SQLite and PostgreSQL (first sync, unchanged, 10 changed)");
  figures.configSync = await benchConfigSync(10_000);
  log(JSON.stringify(figures.configSync));
}

if (want("heartbeat")) {
  const seconds = Number(process.env.BENCH_HEARTBEAT_SECONDS ?? 30);
  log(`heartbeat: ping intake, 50 connections for ${seconds} s, while the agent probes 100 monitors every second`);
  const before = load();
  const hb = await benchHeartbeatIntake({ connections: 50, seconds, probedMonitors: 100, heartbeatMonitors: 20, log });
  figures.heartbeatIntake = { ...hb, machineLoad: { before, after: load() } };
  log(JSON.stringify(figures.heartbeatIntake));
}

// Which run each section's figures come from, so a partial run does not pass for a full one.
const sections = [
  "storage",
  "error",
  "web",
  "lighthouse",
  "registry",
  "lateness",
  "csp",
  "load",
  "storm",
  "pg-web",
  "scale-lateness",
  "sync",
  "heartbeat",
];
const runs = { ...((previous as { sectionRuns?: Record<string, string> }).sectionRuns ?? {}) };
for (const name of sections) if (want(name) && (name !== "storage" || recordsStorage)) runs[name] = `${command} on ${runDate}`;
figures.sectionRuns = runs;

writeFileSync("BENCHMARKS.md", renderBenchmarks(figures));
writeFileSync("bench/last-run.json", `${JSON.stringify(figures, null, 2)}\n`);
log("wrote BENCHMARKS.md and bench/last-run.json");
