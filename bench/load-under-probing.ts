/**
 * The status page, summary.json and a badge under many concurrent connections while the agent
 * probes hundreds of monitors: are there error answers, does the agent still measure right, and
 * does any monitor miss a slot? Used by `npm run bench` (figures for BENCHMARKS.md), by
 * `npm run test:chaos` (the full run) and by the normal suite (a short run).
 *
 * With `storm`, it is the hour a status page exists for: at the start of the load window the
 * target of all `monitors` starts refusing connections and recovers `outageSeconds` later, while a
 * second group of healthy monitors keeps being measured, an incident opens and resolves, and a
 * webhook receiver that takes 2 s per delivery counts what it is sent.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { childPids, freshDb, median, processUsage, quantile, round, WORK_DIR, startBundledAgent } from "./util";
import { httpLoad, type LoadResult } from "./http-load";
import { startWeb } from "../tests/helpers/web-process";
import { DELAY_MS, startDelayServer } from "./delay-server";
import { startWebhookReceiver } from "./webhook-receiver";

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
    const child = spawn(process.execPath, ["-e", REFERENCE_CLIENT, String(port), String(seconds)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
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

export interface StormOptions {
  /** Monitors of a second target that stays up: the agent's error and lateness are read off them. */
  healthyMonitors: number;
  outageSeconds: number;
  webhookDelayMs: number;
}

/** The outage storm of `npm run bench -- storm` and `npm run test:chaos`. */
export const STORM: StormOptions = { healthyMonitors: 50, outageSeconds: 60, webhookDelayMs: 2000 };

export interface LoadUnderProbingOptions {
  monitors: number;
  connections: number;
  seconds: number;
  intervalSeconds?: number;
  /** Seconds measured before the load starts, with only the agent and the bare client running. */
  quietSeconds?: number;
  storm?: StormOptions;
  name?: string;
  log?: (line: string) => void;
}

interface ErrorFigures {
  measurementErrorMs: { median: number; p99: number; max: number };
  /** The same target polled by a bare Node client meanwhile. */
  referenceErrorMs: { median: number; p99: number; samples: number };
  /** The agent's error minus the bare client's: what the agent itself adds. */
  beyondBareMs: { median: number; p99: number };
  latenessMs: { p50: number; p99: number; max: number };
  checks: number;
}

export interface StormFigures {
  stormMonitors: number;
  healthyMonitors: number;
  outageSeconds: number;
  webhookDelayMs: number;
  /** From the target going down to the first confirmed down state. */
  confirmedAfterMs: number | null;
  /** From that confirmation to summary.json showing an incident and a major or critical indicator. */
  pageShowedAfterMs: number | null;
  incidents: number;
  incidentsResolved: number;
  notificationsQueued: number;
  notificationsDelivered: number;
  /** Deliveries the receiver got more than once (same x-status-delivery). */
  duplicateDeliveries: number;
  /** Outbox rows the receiver never got. */
  undelivered: number;
  /** Outbox rows that ended failed, with their first error. */
  failed: number;
  firstError: string | null;
}

export interface LoadUnderProbingFigures extends ErrorFigures {
  monitors: number;
  intervalSeconds: number;
  connections: number;
  seconds: number;
  http: LoadResult[];
  errorAnswers: number;
  checksInWindow: number;
  /** Down checks of the monitors whose target stayed up (in a storm: the healthy group). */
  downChecks: number;
  missedSlots: number;
  quiet?: ErrorFigures;
  /** Agent CPU (both threads, all work) per check in the load window. */
  agentCpuMsPerCheck: number;
  agentRssMb: number;
  webRssMb: number;
  storm?: StormFigures;
}

interface CheckRow {
  monitorId: number;
  slot: Date;
  status: string;
  totalMs: number | null;
  latenessMs: number;
}

function errorFigures(rows: CheckRow[], reference: number[]): ErrorFigures {
  const errors = rows.filter((r) => r.status !== "down" && r.totalMs !== null).map((r) => r.totalMs! - DELAY_MS);
  const lateness = rows.map((r) => r.latenessMs);
  const measurementErrorMs = { median: round(median(errors)), p99: round(quantile(errors, 0.99)), max: round(Math.max(...errors)) };
  const referenceErrorMs = { median: round(median(reference)), p99: round(quantile(reference, 0.99)), samples: reference.length };
  return {
    measurementErrorMs,
    referenceErrorMs,
    beyondBareMs: {
      median: round(measurementErrorMs.median - referenceErrorMs.median),
      p99: round(measurementErrorMs.p99 - referenceErrorMs.p99),
    },
    latenessMs: { p50: round(median(lateness)), p99: round(quantile(lateness, 0.99)), max: round(Math.max(...lateness)) },
    checks: rows.length,
  };
}

/** Slots missing between each monitor's first and last slot in a window, plus whole windows of monitors never seen. */
function missedSlots(rows: CheckRow[], monitorIds: number[], intervalMs: number, windowMs: number): number {
  const byMonitor = new Map<number, number[]>();
  for (const r of rows) byMonitor.set(r.monitorId, [...(byMonitor.get(r.monitorId) ?? []), r.slot.getTime()]);
  let missed = 0;
  for (const id of monitorIds) {
    const slots = byMonitor.get(id);
    if (!slots) {
      missed += Math.floor(windowMs / intervalMs);
      continue;
    }
    slots.sort((a, b) => a - b);
    missed += Math.round((slots[slots.length - 1] - slots[0]) / intervalMs) + 1 - slots.length;
  }
  return missed;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function loadUnderProbing(o: LoadUnderProbingOptions): Promise<LoadUnderProbingFigures> {
  const log = o.log ?? (() => {});
  const interval = o.intervalSeconds ?? 5;
  const name = o.name ?? "load";
  const children: ChildProcess[] = [];
  const target = await startDelayServer();
  children.push(target.child);
  // In a storm the storm group's target goes down; the healthy group and the bare client use another.
  const healthy = o.storm ? await startDelayServer() : target;
  if (o.storm) children.push(healthy.child);
  const receiver = o.storm ? await startWebhookReceiver(o.storm.webhookDelayMs) : null;
  let web: Awaited<ReturnType<typeof startWeb>> | null = null;
  try {
    const { db, url } = await freshDb(name);
    const config = join(WORK_DIR, `${name}.yaml`);
    const monitor = (slug: string, i: number, port: number, group: string) => ({
      slug,
      name: slug,
      group,
      kind: "http",
      url: `http://127.0.0.1:${port}/${i}`,
      interval: `${interval}s`,
      timeout: "2s",
    });
    const monitors = [
      ...Array.from({ length: o.monitors }, (_, i) => monitor(`m-${i}`, i, target.port, `Group ${i % 5}`)),
      ...Array.from({ length: o.storm?.healthyMonitors ?? 0 }, (_, i) => monitor(`h-${i}`, i, healthy.port, "Healthy")),
    ];
    writeFileSync(config, stringify({ monitors }));
    if (receiver)
      await db.notificationChannel.create({
        data: { name: "storm-hook", kind: "webhook", config: { url: receiver.url, secret: "storm-bench-signing-secret" } },
      });
    const agent = await startBundledAgent(url, config);
    children.push(agent);
    const ids = new Map((await db.monitor.findMany({ select: { id: true, slug: true } })).map((m) => [m.slug, m.id]));
    const stormIds = monitors.filter((m) => m.slug.startsWith("m-")).map((m) => ids.get(m.slug)!);
    const measuredIds = new Set(o.storm ? monitors.filter((m) => m.slug.startsWith("h-")).map((m) => ids.get(m.slug)!) : stormIds);
    const rowsBetween = async (from: number, to: number) =>
      (await db.checkResult.findMany({
        where: { slot: { gte: new Date(from), lt: new Date(to) } },
        select: { monitorId: true, slot: true, status: true, totalMs: true, latenessMs: true },
      })) as CheckRow[];

    let quiet: ErrorFigures | undefined;
    if (o.quietSeconds) {
      log(`load: ${o.quietSeconds} s quiet (agent and bare client only)`);
      await sleep(2 * interval * 1000);
      const from = Date.now();
      const reference = await referenceClient(healthy.port, o.quietSeconds);
      const to = Date.now();
      await sleep(interval * 1000 + 2500);
      quiet = errorFigures(
        (await rowsBetween(from, to)).filter((r) => measuredIds.has(r.monitorId)),
        reference,
      );
      log(`load: quiet ${JSON.stringify(quiet)}`);
    }

    web = await startWeb(url);
    const webPids = childPids(web.child.pid!);
    const paths = ["/", "/api/v2/summary.json", "/badge/m-1/uptime.svg"];
    for (const p of paths) await (await fetch(`${web.url}${p}`)).arrayBuffer();
    // Split the connections over the three paths, the page getting the largest share.
    const shares = [Math.ceil(o.connections * 0.4), Math.ceil(o.connections * 0.3)];
    shares.push(o.connections - shares[0] - shares[1]);
    log(
      `load: ${o.connections} connections for ${o.seconds} s on ${paths.join(", ")} while ${monitors.length} monitors are probed every ${interval} s${o.storm ? `; the target of ${o.monitors} of them refuses connections for ${o.storm.outageSeconds} s` : ""}`,
    );
    const cpuBefore = (await processUsage(agent.pid!)).cpuSeconds;
    const windowStart = Date.now();
    if (o.storm) await target.setUp(false);
    const storm = o.storm ? watchStorm(web.url, windowStart, o.storm.outageSeconds, () => target.setUp(true)) : null;
    const reference = referenceClient(healthy.port, o.seconds);
    // Like browsers, shields.io and `curl --compressed`, the load asks for gzip: the 500-monitor
    // page is about 1.9 MB as is and 40 KB compressed.
    const http = await Promise.all(paths.map((p, i) => httpLoad(`${web!.url}${p}`, shares[i], o.seconds, ["-H", "accept-encoding=gzip"])));
    const referenceErrors = await reference;
    const windowEnd = Date.now();
    const agentUsage = await processUsage(agent.pid!);
    const webRssMb = (await Promise.all(webPids.map((pid) => processUsage(pid).catch(() => ({ rssMb: 0 }))))).reduce(
      (s, u) => s + u.rssMb,
      0,
    );
    const stormSeen = await storm?.seen;
    // Let the slots of the window finish and be written (and, in a storm, the incident resolve and its notifications go out).
    await sleep(2 * interval * 1000 + 1000);
    let stormFigures: StormFigures | undefined;
    if (o.storm) stormFigures = await settleStorm(db, o.storm, o.monitors, receiver!, windowStart, stormSeen ?? null, log);
    const exited = new Promise((r) => agent.on("exit", r));
    agent.kill("SIGTERM");
    await exited;

    const rows = await rowsBetween(windowStart, windowEnd);
    await db.$disconnect();
    const measured = rows.filter((r) => measuredIds.has(r.monitorId));
    const figures = errorFigures(measured, referenceErrors);
    return {
      monitors: o.monitors,
      intervalSeconds: interval,
      connections: o.connections,
      seconds: o.seconds,
      http,
      errorAnswers: http.reduce((s, h) => s + h.errors + h.non2xx, 0),
      checksInWindow: rows.length,
      downChecks: measured.filter((r) => r.status === "down").length,
      missedSlots: missedSlots(rows, [...ids.values()], interval * 1000, windowEnd - windowStart),
      ...figures,
      quiet,
      agentCpuMsPerCheck: round(((agentUsage.cpuSeconds - cpuBefore) * 1000) / Math.max(1, rows.length)),
      agentRssMb: round(agentUsage.rssMb, 1),
      webRssMb: round(webRssMb, 1),
      storm: stormFigures,
    };
  } finally {
    await web?.stop();
    await receiver?.close();
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  }
}

/**
 * Polls summary.json as a reader would (every 250 ms) from the outage's start, and brings the
 * target back after `outageSeconds`. Resolves with when the outage first showed.
 */
function watchStorm(webUrl: string, start: number, outageSeconds: number, recover: () => Promise<void>): { seen: Promise<number | null> } {
  const recovered = sleep(outageSeconds * 1000).then(recover);
  const seen = (async () => {
    while (Date.now() < start + outageSeconds * 1000) {
      try {
        const s = (await (await fetch(`${webUrl}/api/v2/summary.json`)).json()) as { status: { indicator: string }; incidents: unknown[] };
        if (s.incidents.length && (s.status.indicator === "major" || s.status.indicator === "critical")) return Date.now();
      } catch {
        // an error answer is counted by the load itself
      }
      await sleep(250);
    }
    return null;
  })();
  return { seen: Promise.all([seen, recovered]).then(([t]) => t) };
}

/** Waits (up to 2 minutes) for the storm's incidents to resolve and the outbox to empty, then reads the books. */
async function settleStorm(
  db: Awaited<ReturnType<typeof freshDb>>["db"],
  o: StormOptions,
  stormMonitors: number,
  receiver: Awaited<ReturnType<typeof startWebhookReceiver>>,
  outageStart: number,
  pageSeenAt: number | null,
  log: (line: string) => void,
): Promise<StormFigures> {
  const until = Date.now() + 120_000;
  for (;;) {
    const open = await db.incident.count({ where: { status: { not: "resolved" } } });
    const pending = await db.outbox.count({ where: { status: "pending" } });
    if ((!open && !pending) || Date.now() > until) break;
    await sleep(1000);
  }
  const firstConfirmed = await db.stateChange.findFirst({
    where: { toStatus: "down", monitor: { slug: { startsWith: "m-" } } },
    orderBy: { confirmedAt: "asc" },
  });
  const outbox = await db.outbox.findMany({ where: { channelId: { not: null } } });
  const counts = receiver.deliveries();
  const figures: StormFigures = {
    stormMonitors,
    healthyMonitors: o.healthyMonitors,
    outageSeconds: o.outageSeconds,
    webhookDelayMs: o.webhookDelayMs,
    confirmedAfterMs: firstConfirmed ? firstConfirmed.confirmedAt.getTime() - outageStart : null,
    pageShowedAfterMs: firstConfirmed && pageSeenAt ? pageSeenAt - firstConfirmed.confirmedAt.getTime() : null,
    incidents: await db.incident.count(),
    incidentsResolved: await db.incident.count({ where: { status: "resolved" } }),
    notificationsQueued: outbox.length,
    notificationsDelivered: outbox.filter((r) => r.status === "delivered").length,
    duplicateDeliveries: [...counts.values()].filter((n) => n > 1).length,
    undelivered: outbox.filter((r) => !counts.has(r.eventKey)).length,
    failed: outbox.filter((r) => r.status === "failed").length,
    firstError: outbox.find((r) => r.lastError)?.lastError ?? null,
  };
  log(`storm: ${JSON.stringify(figures)}`);
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [monitors, connections, seconds] = process.argv.slice(2).map(Number);
  console.log(
    JSON.stringify(
      await loadUnderProbing({ monitors: monitors || 500, connections: connections || 200, seconds: seconds || 60, log: console.log }),
      null,
      2,
    ),
  );
}
