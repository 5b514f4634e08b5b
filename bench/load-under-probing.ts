/**
 * The status page, summary.json and a badge under many concurrent connections while the agent
 * probes hundreds of monitors: are there error answers, does the agent still measure right, and
 * does any monitor miss a slot? Used by `npm run bench` (figures for BENCHMARKS.md), by
 * `npm run test:chaos` (the full run) and by the normal suite (a short run).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { freshDb, median, quantile, round, WORK_DIR } from "./util";
import { httpLoad, type LoadResult } from "./http-load";
import { startWeb } from "../tests/helpers/web-process";
import { DELAY_MS, startDelayServer } from "./delay-server";
import { AGENT_BUNDLE, AGENT_NODE_FLAGS, buildAgentIfNeeded } from "../scripts/build-agent.mjs";

// A bare Node client in its own process, polling the same target on fresh connections during the
// load: what any client on this machine measures, so the agent's own share of the error shows.
const REFERENCE_CLIENT = `
const http = require("node:http");
const [port, seconds] = process.argv.slice(1).map(Number);
const out = [];
const end = Date.now() + seconds * 1000;
(function next() {
  if (Date.now() > end) { process.stdout.write(JSON.stringify(out)); return; }
  const t0 = performance.now();
  http.get({ host: "127.0.0.1", port, path: "/ref", agent: false }, (res) => {
    res.resume();
    res.on("end", () => { out.push(performance.now() - t0 - ${DELAY_MS}); setTimeout(next, 20); });
  }).on("error", () => setTimeout(next, 20));
})();
`;

function referenceClient(port: number, seconds: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", REFERENCE_CLIENT, String(port), String(seconds)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.on("exit", () => {
      try {
        resolve(JSON.parse(out) as number[]);
      } catch (e) {
        reject(e);
      }
    });
  });
}

export interface LoadUnderProbingOptions {
  monitors: number;
  connections: number;
  seconds: number;
  intervalSeconds?: number;
  name?: string;
  log?: (line: string) => void;
}

export interface LoadUnderProbingFigures {
  monitors: number;
  intervalSeconds: number;
  connections: number;
  seconds: number;
  http: LoadResult[];
  errorAnswers: number;
  checksInWindow: number;
  downChecks: number;
  missedSlots: number;
  measurementErrorMs: { median: number; p99: number; max: number };
  /** The same target polled by a bare Node client during the load. */
  referenceErrorMs: { median: number; p99: number; samples: number };
  latenessMs: { p50: number; p99: number; max: number };
}

export async function loadUnderProbing(o: LoadUnderProbingOptions): Promise<LoadUnderProbingFigures> {
  const log = o.log ?? (() => {});
  const interval = o.intervalSeconds ?? 5;
  const children: ChildProcess[] = [];
  const target = await startDelayServer();
  children.push(target.child);
  let web: Awaited<ReturnType<typeof startWeb>> | null = null;
  try {
    const port = target.port;
    const { db, url } = await freshDb(o.name ?? "load");
    const config = join(WORK_DIR, `${o.name ?? "load"}.yaml`);
    writeFileSync(
      config,
      stringify({
        monitors: Array.from({ length: o.monitors }, (_, i) => ({ slug: `m-${i}`, name: `Monitor ${i}`, group: `Group ${i % 5}`, kind: "http", url: `http://127.0.0.1:${port}/${i}`, interval: `${interval}s`, timeout: "2s" })),
      }),
    );
    await buildAgentIfNeeded();
    const agent = spawn(process.execPath, [...AGENT_NODE_FLAGS, AGENT_BUNDLE], { env: { ...process.env, DATABASE_URL: url, MONITORS_CONFIG: config, CONFIG_WATCH: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(agent);
    let out = "";
    agent.stdout!.on("data", (d) => (out += d));
    agent.stderr!.on("data", (d) => (out += d));
    const until = Date.now() + 60_000;
    while (!/started in region/.test(out)) {
      if (agent.exitCode !== null || Date.now() > until) throw new Error(`agent did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    web = await startWeb(url);
    const paths = ["/", "/api/v2/summary.json", "/badge/m-1/uptime.svg"];
    for (const p of paths) await (await fetch(`${web.url}${p}`)).arrayBuffer();
    // Split the connections over the three paths, the page getting the largest share.
    const shares = [Math.ceil(o.connections * 0.4), Math.ceil(o.connections * 0.3)];
    shares.push(o.connections - shares[0] - shares[1]);
    log(`load: ${o.connections} connections for ${o.seconds} s on ${paths.join(", ")} while ${o.monitors} monitors are probed every ${interval} s`);
    const windowStart = Date.now();
    const reference = referenceClient(port, o.seconds);
    // Like browsers, shields.io and `curl --compressed`, the load asks for gzip: the 500-monitor
    // page is about 1.9 MB as is and 40 KB compressed.
    const http = await Promise.all(paths.map((p, i) => httpLoad(`${web!.url}${p}`, shares[i], o.seconds, ["-H", "accept-encoding=gzip"])));
    const referenceErrors = await reference;
    const windowEnd = Date.now();
    // Let the slots of the window finish and be written.
    await new Promise((r) => setTimeout(r, 2 * interval * 1000 + 1000));
    const exited = new Promise((r) => agent.on("exit", r));
    agent.kill("SIGTERM");
    await exited;

    const rows = await db.checkResult.findMany({
      where: { slot: { gte: new Date(windowStart), lt: new Date(windowEnd) } },
      select: { monitorId: true, slot: true, status: true, totalMs: true, latenessMs: true },
    });
    await db.$disconnect();
    // Every monitor fires once per interval: between a monitor's first and last slot in the window no slot may be missing.
    const byMonitor = new Map<number, number[]>();
    for (const r of rows) byMonitor.set(r.monitorId, [...(byMonitor.get(r.monitorId) ?? []), r.slot.getTime()]);
    let missed = 0;
    for (const slots of byMonitor.values()) {
      slots.sort((a, b) => a - b);
      missed += Math.round((slots[slots.length - 1] - slots[0]) / (interval * 1000)) + 1 - slots.length;
    }
    const expectedMonitors = o.monitors;
    missed += Math.max(0, expectedMonitors - byMonitor.size) * Math.floor((windowEnd - windowStart) / (interval * 1000));
    const up = rows.filter((r) => r.status !== "down" && r.totalMs !== null);
    const errors = up.map((r) => r.totalMs! - DELAY_MS);
    const lateness = rows.map((r) => r.latenessMs);
    return {
      monitors: o.monitors,
      intervalSeconds: interval,
      connections: o.connections,
      seconds: o.seconds,
      http,
      errorAnswers: http.reduce((s, h) => s + h.errors + h.non2xx, 0),
      checksInWindow: rows.length,
      downChecks: rows.length - up.length,
      missedSlots: missed,
      measurementErrorMs: { median: round(median(errors)), p99: round(quantile(errors, 0.99)), max: round(Math.max(...errors)) },
      referenceErrorMs: { median: round(median(referenceErrors)), p99: round(quantile(referenceErrors, 0.99)), samples: referenceErrors.length },
      latenessMs: { p50: round(median(lateness)), p99: round(quantile(lateness, 0.99)), max: round(Math.max(...lateness)) },
    };
  } finally {
    await web?.stop();
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [monitors, connections, seconds] = process.argv.slice(2).map(Number);
  console.log(JSON.stringify(await loadUnderProbing({ monitors: monitors || 500, connections: connections || 200, seconds: seconds || 60, log: console.log }), null, 2));
}
