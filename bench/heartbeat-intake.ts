/**
 * Heartbeat ping intake: autocannon against /ping/<token>/start on `npm run web` (loopback) while the
 * agent probes http monitors and judges the pings. Reports pings per second, p50/p99 latency, how
 * many pings were stored and judged, and the agent's lateness meanwhile. `npm run bench -- heartbeat`.
 *
 * The load sends /start pings: each is looked up, rate-checked, stamped and stored exactly as a
 * success is, and read by the agent's judge, but a start makes no slot result, so the figure is the
 * intake's own and not the result writer's (a job pings a few times per run, not thousands per second).
 * PING_RATE_LIMIT is off for the run: all the load comes from one address and one token.
 */
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { freshDb, median, quantile, round, WORK_DIR, startBundledAgent } from "./util";
import { httpLoad, type LoadResult } from "./http-load";
import { startWeb } from "../tests/helpers/web-process";
import { startDelayServer } from "./delay-server";

export interface HeartbeatIntakeOptions {
  connections: number;
  seconds: number;
  /** http monitors the agent probes meanwhile, every second. */
  probedMonitors: number;
  heartbeatMonitors: number;
  log?: (line: string) => void;
}

export interface HeartbeatIntakeFigures {
  connections: number;
  seconds: number;
  probedMonitors: number;
  heartbeatMonitors: number;
  load: LoadResult;
  stored: number;
  /** The targets: at least 2,000 pings per second, p99 at most 20 ms. */
  target: { pingsPerSecond: number; p99Ms: number };
  /** Start minus slot of the agent's checks during the load. */
  agentLatenessMs: { p50: number; p99: number; max: number; checks: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchHeartbeatIntake(o: HeartbeatIntakeOptions): Promise<HeartbeatIntakeFigures> {
  const log = o.log ?? (() => {});
  const children: ChildProcess[] = [];
  const target = await startDelayServer();
  children.push(target.child);
  let web: Awaited<ReturnType<typeof startWeb>> | null = null;
  try {
    const { db, url } = await freshDb("heartbeat-intake");
    const config = join(WORK_DIR, "heartbeat-intake.yaml");
    const monitors = [
      ...Array.from({ length: o.probedMonitors }, (_, i) => ({
        slug: `probed-${i}`,
        name: `Probed ${i}`,
        kind: "http",
        url: `http://127.0.0.1:${target.port}/${i}`,
        interval: "1s",
        timeout: "500ms",
      })),
      ...Array.from({ length: o.heartbeatMonitors }, (_, i) => ({
        slug: `job-${i}`,
        name: `Job ${i}`,
        kind: "heartbeat",
        every: "1h",
        grace: "5m",
      })),
    ];
    writeFileSync(config, stringify({ monitors }));
    const agent = await startBundledAgent(url, config);
    children.push(agent);
    web = await startWeb(url, { PING_RATE_LIMIT: "0" });
    const token = (await db.heartbeatToken.findFirstOrThrow({ where: { generated: { not: null } } })).generated!;
    const pingUrl = `${web.url}/ping/${token}/start`;
    // Warm the route and the token cache.
    for (let i = 0; i < 20; i++) await (await fetch(pingUrl)).arrayBuffer();
    await sleep(2_000);
    const before = await db.heartbeatPing.count();
    log(
      `heartbeat: ${o.connections} connections for ${o.seconds} s on /ping/<token>/start while ${o.probedMonitors} monitors are probed every 1 s`,
    );
    const from = Date.now();
    // The figures name the path, never the token (they are printed and kept in bench/last-run.json).
    const load = { ...(await httpLoad(pingUrl, o.connections, o.seconds)), url: `${web.url}/ping/<token>/start` };
    const to = Date.now();
    await sleep(1_500);
    const stored = (await db.heartbeatPing.count()) - before;
    const rows = await db.checkResult.findMany({
      where: { slot: { gte: new Date(from), lt: new Date(to) }, monitor: { kind: "http" } },
      select: { latenessMs: true },
    });
    const lateness = rows.map((r) => r.latenessMs);
    agent.kill("SIGTERM");
    await db.$disconnect();
    return {
      connections: o.connections,
      seconds: o.seconds,
      probedMonitors: o.probedMonitors,
      heartbeatMonitors: o.heartbeatMonitors,
      load,
      stored,
      target: { pingsPerSecond: 2_000, p99Ms: 20 },
      agentLatenessMs: {
        p50: round(median(lateness)),
        p99: round(quantile(lateness, 0.99)),
        max: round(lateness.length ? Math.max(...lateness) : Number.NaN),
        checks: lateness.length,
      },
    };
  } finally {
    await web?.stop();
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  }
}
