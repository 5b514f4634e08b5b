/**
 * npm run bench — prints every figure and rewrites BENCHMARKS.md with them.
 * Order matters: the year database from the storage bench is what the web benches serve.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { benchStorage } from "./storage";
import { measureProbeError } from "./measurement-error";
import { benchLateness } from "./lateness";
import { httpLoad, type LoadResult } from "./http-load";
import { startWeb } from "../tests/helpers/web-process";
import { renderBenchmarks } from "./report";
import { benchRegistryPull } from "./registry-pull";
import { loadUnderProbing } from "./load-under-probing";
import { benchCspCost } from "./csp-cost";

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
// The year database is what the storage, error and web sections measure; the others need none.
const needsYear = want("storage") || want("error") || want("web");
if (needsYear) log(reuse ? "storage: measuring the year database of the last run (BENCH_REUSE_YEAR=1)" : "storage: seeding a year of 100 monitors at 60 s (this takes a few minutes)");
const storage = needsYear ? await benchStorage({ reuse }) : null;
// A reused database was seeded by an earlier run: keep that run's seeding figures.
const prevStorage = (previous as { storage?: { seedSeconds?: number; rawWritten?: number } }).storage;
if (storage) {
  figures.storage = reuse && prevStorage ? { ...storage, seedSeconds: prevStorage.seedSeconds, rawWritten: prevStorage.rawWritten } : storage;
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
  const web = await startWeb(storage.databaseUrl);
  const results: LoadResult[] = [];
  const slug = "monitor-001";
  for (const path of ["/", `/monitors/${slug}`, "/api/v2/summary.json", `/badge/${slug}/uptime.svg`]) {
    const probe = await fetch(`${web.url}${path}`);
    if (probe.status !== 200) {
      log(`skipping ${path}: answers ${probe.status}`);
      continue;
    }
    for (const c of [10, 50]) {
      await httpLoad(`${web.url}${path}`, c, 3); // warm-up
      const r = await httpLoad(`${web.url}${path}`, c, 15);
      results.push(r);
      log(JSON.stringify(r));
    }
  }
  await web.stop();
  // The same paths with the micro-cache off: what Next.js's own cache (ISR) and the
  // app's 3–5 s data caches give on their own.
  const bare = await startWeb(storage.databaseUrl, { MICRO_CACHE_MS: "0" });
  for (const path of ["/", "/api/v2/summary.json", `/badge/${slug}/uptime.svg`]) {
    await fetch(`${bare.url}${path}`);
    await httpLoad(`${bare.url}${path}`, 10, 3);
    const r = { ...(await httpLoad(`${bare.url}${path}`, 10, 15)), microCache: false };
    results.push(r);
    log(JSON.stringify(r));
  }
  await bare.stop();
  figures.web = results;
}

if (want("registry")) {
  log("registry pull check against docker-registry (token auth), 100 runs");
  figures.registryPull = await benchRegistryPull(100);
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
  figures.loadUnderProbing = await loadUnderProbing({ monitors: 500, connections: 200, seconds: 60, log });
  log(JSON.stringify(figures.loadUnderProbing));
}

// Which run each section's figures come from, so a partial run does not pass for a full one.
const sections = ["storage", "error", "web", "registry", "lateness", "csp", "load"];
const runs = { ...((previous as { sectionRuns?: Record<string, string> }).sectionRuns ?? {}) };
const command = only.length ? `npm run bench -- ${only.join(" ")}` : "npm run bench";
for (const name of sections) if (want(name) && (name !== "storage" || needsYear)) runs[name] = `${command} on ${String(figures.date).slice(0, 10)}`;
figures.sectionRuns = runs;

writeFileSync("BENCHMARKS.md", renderBenchmarks(figures));
writeFileSync("bench/last-run.json", JSON.stringify(figures, null, 2) + "\n");
log("wrote BENCHMARKS.md and bench/last-run.json");
