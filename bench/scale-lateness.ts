/**
 * Scheduler lateness at scale on PostgreSQL: N http monitors at 60 s (default 10,000) against a
 * loopback target in its own process, probed by several agents (default 3) in ONE region, which
 * share the monitors through leases. The agents are started together (2 s apart, which also tells
 * them apart: the Agent rows' startedAt follow the spawn order), the bench watches the leases
 * every second until every agent holds its fair share and no lease is free, then measures for two
 * full intervals: every monitor's slot comes twice in that window.
 *
 * Figures: lateness from RegionCheck.latenessMs of the window (overall and per agent), each
 * agent's CPU (% of one core, /proc/<pid>/stat) and RSS, leases held, slots of the window with no
 * region check (missed) and slots the target saw probed more than once (duplicated: the region
 * check's key would hide them), how long the leases took to settle, and how far behind the quorum
 * decision ran.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import {
  commandCpuSeconds,
  freshPgDb,
  machineTicks,
  median,
  processUsage,
  threadCpuSeconds,
  agentThreadCpu,
  quantile,
  round,
  WORK_DIR,
  writeHttpMonitorsConfig,
} from "./util";
import { AGENT_BUILD_OPTIONS, AGENT_BUNDLE, AGENT_NODE_FLAGS, buildAgentIfNeeded } from "../scripts/build-agent.mjs";
import type { Db } from "../monitors/store/client";

/** The PostgreSQL database this bench creates (dropped and made again each run). */
export const PG_SCALE_DATABASE = "status_bench_scale";

/** The target counts the requests for each path, with their arrival times, and tells them on /__hits. */
const TARGET_SERVER = `
const http = require("node:http");
const hits = new Map();
const s = http.createServer((req, res) => {
  if (req.url === "/__hits") {
    res.setHeader("content-type", "application/json");
    return res.end(JSON.stringify(Object.fromEntries(hits)));
  }
  const t = Date.now();
  const a = hits.get(req.url);
  if (a) a.push(t); else hits.set(req.url, [t]);
  res.end("ok");
});
s.keepAliveTimeout = 1000;
s.listen(0, "127.0.0.1", () => process.stdout.write(String(s.address().port) + "\\n"));
`;

/**
 * The agent's config sync writes every monitor, one statement each, in one interactive transaction,
 * and on PostgreSQL the wait for another agent's sync (advisory lock) counts against its timeout
 * (Prisma's default 5 s, or SYNC_TRANSACTION in monitors/store/config-sync.ts): with 10,000 monitors and
 * agents starting together it expires, and the agent does not start. When the stock agents do not
 * all start, the bench bundles the agent with that one transaction's timeout raised to this
 * (everything else unchanged), and says so in its figures.
 */
const SYNC_TX_TIMEOUT_MS = 300_000;
/** The patched agent and its store thread, built side by side as the stock ones are. */
const SCALE_AGENT_BUNDLE = join(WORK_DIR, "scale-agent", "agent.mjs");

/** monitors/store/config-sync.ts with the sync transaction's timeout raised, and what was changed. */
function patchSync(src: string): { contents: string; patch: string } {
  const named = /const SYNC_TRANSACTION = \{ timeout: ([\d_]+), maxWait: ([\d_]+) \};/.exec(src);
  if (named) {
    // Never lower what the agent already allows: raise both to at least the bench's figure.
    const timeout = Math.max(Number(named[1].replace(/_/g, "")), SYNC_TX_TIMEOUT_MS);
    const maxWait = Math.max(Number(named[2].replace(/_/g, "")), SYNC_TX_TIMEOUT_MS);
    return {
      contents: src.replace(named[0], `const SYNC_TRANSACTION = { timeout: ${timeout}, maxWait: ${maxWait} };`),
      patch: `syncConfig's transaction timeout ${timeout > Number(named[1].replace(/_/g, "")) ? `raised from ${named[1].replace(/_/g, "")} ms to ${timeout} ms` : `left at ${timeout} ms`}, its maxWait at ${maxWait} ms (SYNC_TRANSACTION in monitors/store/config-sync.ts)`,
    };
  }
  const end = /(\n {4}return report;\n {2}\})\);\n\}/;
  if (/return db\.\$transaction\(async \(tx\) => \{/.test(src) && end.test(src)) {
    return {
      contents: src.replace(end, `$1, { timeout: ${SYNC_TX_TIMEOUT_MS}, maxWait: ${SYNC_TX_TIMEOUT_MS} });\n}`),
      patch: `syncConfig's transaction given { timeout: ${SYNC_TX_TIMEOUT_MS}, maxWait: ${SYNC_TX_TIMEOUT_MS} } instead of Prisma's default 5 s (monitors/store/config-sync.ts)`,
    };
  }
  throw new Error(
    "bench/scale-lateness.ts: monitors/store/config-sync.ts no longer has a shape the bench knows how to patch; update patchSync",
  );
}

export async function buildPatchedAgent(): Promise<string> {
  let patch = "";
  await build({
    ...AGENT_BUILD_OPTIONS,
    outdir: dirname(SCALE_AGENT_BUNDLE),
    plugins: [
      {
        name: "sync-transaction-timeout",
        setup(b) {
          b.onLoad({ filter: /monitors[\\/]config[\\/]sync\.ts$/ }, (args) => {
            const r = patchSync(readFileSync(args.path, "utf8"));
            patch = r.patch;
            return { contents: r.contents, loader: "ts" };
          });
        },
      },
    ],
  });
  if (!patch) throw new Error("bench/scale-lateness.ts: the agent bundle did not include monitors/store/config-sync.ts");
  return patch;
}

interface Agent {
  index: number;
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
  spawnedAt: number;
}

function spawnAgent(index: number, bundle: string, env: Record<string, string>, region: string, extraFlags: string[] = []): Agent {
  const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, ...extraFlags, bundle, "--region", region], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { index, child, out: () => out, exited, spawnedAt: Date.now() };
}

async function stopAgent(a: Agent, graceMs = 30_000): Promise<void> {
  if (a.child.exitCode !== null || a.child.signalCode !== null) return;
  a.child.kill("SIGTERM");
  const killed = setTimeout(() => a.child.kill("SIGKILL"), graceMs);
  await a.exited;
  clearTimeout(killed);
}

/** When the agent printed `started in region` (its own timestamp), or null. */
function startedAt(out: string): number | null {
  const m = /^(\S+) agent started in region/m.exec(out);
  return m ? Date.parse(m[1]) : null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** CPU milliseconds per check, by thread, summed over the agents. */
function cpuPerCheck(threads: Array<{ probe: number; store: number; helpers: number }>, checks: number) {
  const ms = (seconds: number) => round((seconds * 1000) / Math.max(1, checks), 2);
  const sum = (k: "probe" | "store" | "helpers") => threads.reduce((a, t) => a + t[k], 0);
  return {
    probe: ms(sum("probe")),
    store: ms(sum("store")),
    helpers: ms(sum("helpers")),
    total: ms(sum("probe") + sum("store") + sum("helpers")),
  };
}

const pct = (cpuSeconds: number, wallMs: number) => round((cpuSeconds / (wallMs / 1000)) * 100, 1);
const stats = (v: number[]) =>
  v.length
    ? { p50: round(median(v)), p99: round(quantile(v, 0.99)), max: round(Math.max(...v)), n: v.length }
    : { p50: NaN, p99: NaN, max: NaN, n: 0 };

interface DbStats {
  commits: number;
  tuplesReturned: number;
  tuplesFetched: number;
  leaseRowUpdates: number;
  regionCheckIndexScans: number;
}

/** Counters of the bench database (PostgreSQL flushes them about once a second, so they are approximate over short spans). */
async function dbStats(db: Db): Promise<DbStats> {
  const [d] = (await db.$queryRawUnsafe(
    `SELECT xact_commit, tup_returned, tup_fetched FROM pg_stat_database WHERE datname = current_database()`,
  )) as Array<{ xact_commit: bigint; tup_returned: bigint; tup_fetched: bigint }>;
  const t = (await db.$queryRawUnsafe(
    `SELECT relname::text AS name, n_tup_upd, idx_scan FROM pg_stat_user_tables WHERE relname IN ('MonitorLease', 'RegionCheck')`,
  )) as Array<{
    name: string;
    n_tup_upd: bigint;
    idx_scan: bigint | null;
  }>;
  const of = (name: string) => t.find((r) => r.name === name);
  return {
    commits: Number(d.xact_commit),
    tuplesReturned: Number(d.tup_returned),
    tuplesFetched: Number(d.tup_fetched),
    leaseRowUpdates: Number(of("MonitorLease")?.n_tup_upd ?? 0),
    regionCheckIndexScans: Number(of("RegionCheck")?.idx_scan ?? 0),
  };
}

function rates(a: DbStats, b: DbStats, wallMs: number) {
  const per = (k: keyof DbStats) => Math.round((b[k] - a[k]) / (wallMs / 1000));
  return {
    commits: per("commits"),
    tuplesReturned: per("tuplesReturned"),
    tuplesFetched: per("tuplesFetched"),
    leaseRowUpdates: per("leaseRowUpdates"),
    regionCheckIndexScans: per("regionCheckIndexScans"),
  };
}

interface LeasePoll {
  t: number;
  /** Leases held (not expired) by each agent, in agent (spawn) order; agents not yet registered hold 0. */
  held: number[];
  /** Lease rows no live agent holds. */
  free: number;
  liveAgents: number;
}

export async function benchScaleLateness(
  opts: {
    monitors?: number;
    agents?: number;
    windowSeconds?: number;
    settleTimeoutSeconds?: number;
    log?: (s: string) => void;
    /** Extra Node flags for the measured agents (for example --cpu-prof when looking into their CPU). */
    agentNodeFlags?: string[];
  } = {},
) {
  const n = opts.monitors ?? 10_000;
  const agentCount = opts.agents ?? 3;
  const intervalMs = 60_000;
  const windowMs = (opts.windowSeconds ?? 120) * 1000;
  const settleTimeoutMs = (opts.settleTimeoutSeconds ?? 300) * 1000;
  const region = "bench";
  const log = opts.log ?? ((s: string) => console.log(`[scale] ${s}`));
  const machineLoadBefore = loadavg().map((v) => round(v, 2));

  const target = spawn(process.execPath, ["-e", TARGET_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => target.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
  const agents: Agent[] = [];
  let db: Db | null = null;
  try {
    const fresh = await freshPgDb(PG_SCALE_DATABASE, { poolSize: 3 });
    db = fresh.db;
    const url = fresh.url;
    const config = join(WORK_DIR, "scale.yaml");
    writeHttpMonitorsConfig(config, n, port);
    const env = { DATABASE_URL: url, MONITORS_CONFIG: config, CONFIG_WATCH: "0" };

    const launch = async (bundle: string) => {
      const list: Agent[] = [];
      for (let i = 0; i < agentCount; i++) {
        if (i) await sleep(2000);
        list.push(spawnAgent(i, bundle, env, region, opts.agentNodeFlags));
      }
      return list;
    };

    // The stock agents first, started together as a deploy would: do they all start with this many monitors?
    await buildAgentIfNeeded();
    log(`stock agents: do ${agentCount} start together with ${n} monitors?`);
    let launchedAt = Date.now();
    // Which Agent row is which process: the rows' startedAt follow the spawn order.
    let agentRows: Array<{
      id: string;
      startedAt: Date;
      lastSeenAt: Date;
      monitors: number;
      checks: number;
      latenessP50Ms: number | null;
      latenessP99Ms: number | null;
    }> = [];
    const idOrder = () => [...agentRows].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()).map((r) => r.id);
    const polls: LeasePoll[] = [];
    const rss: number[][] = Array.from({ length: agentCount }, () => []);
    const share = Math.ceil(n / agentCount);
    let settledAt: number | null = null;
    let settledByCap = false;
    let unsettledAfter = 0;
    let windowStart: number | null = null;
    let startUsage: Array<{ cpuSeconds: number }> = [];
    let startThreads: Array<Map<number, number>> = [];
    let startPg = 0;
    let startTarget = 0;
    let startMachine = { busy: 0, total: 0 };
    /** Region checks the quorum decision has not taken yet, every 5 s. */
    const backlog: Array<{ t: number; at: number; undecided: number; agentsCpu: number; postgresCpu: number }> = [];
    let lastCpu: { at: number; agents: number; pg: number } | null = null;
    let startDbStats: DbStats | null = null;
    let pollCount = 0;
    /** The decision backlog, with the agents' and PostgreSQL's CPU (% of one core) since the last sample. */
    const sampleBacklog = async () => {
      const cpu = { at: Date.now(), agents: 0, pg: await commandCpuSeconds("postgres") };
      for (const a of agents)
        cpu.agents += await processUsage(a.child.pid!)
          .then((u) => u.cpuSeconds)
          .catch(() => 0);
      const undecided = await db!.regionCheck.count({ where: { decidedAt: null } });
      const sample = {
        t: round((cpu.at - launchedAt) / 1000, 1),
        at: cpu.at,
        undecided,
        agentsCpu: lastCpu ? pct(cpu.agents - lastCpu.agents, cpu.at - lastCpu.at) : NaN,
        postgresCpu: lastCpu ? pct(cpu.pg - lastCpu.pg, cpu.at - lastCpu.at) : NaN,
      };
      backlog.push(sample);
      lastCpu = cpu;
      return sample;
    };
    const assertAlive = () => {
      for (const a of agents)
        if (a.child.exitCode !== null) throw new Error(`agent ${a.index + 1} exited (${a.child.exitCode}):\n${a.out().slice(-3000)}`);
    };

    /** One look at the agents and their leases (every second), and every fifth time at the decision backlog. */
    const pollOnce = async () => {
      const now = Date.now();
      agentRows = await db!.agent.findMany({
        where: { region },
        select: { id: true, startedAt: true, lastSeenAt: true, monitors: true, checks: true, latenessP50Ms: true, latenessP99Ms: true },
      });
      const order = idOrder();
      const groups = await db!.monitorLease.groupBy({
        by: ["agentId"],
        where: { region, expiresAt: { gt: new Date(now) } },
        _count: { _all: true },
      });
      const byAgent = new Map(groups.map((g) => [g.agentId, g._count._all]));
      const held = agents.map((_, i) => byAgent.get(order[i] ?? "") ?? 0);
      const liveAgents = agentRows.filter((r) => r.lastSeenAt.getTime() > now - 15_000).length;
      const poll: LeasePoll = { t: round((now - launchedAt) / 1000, 1), held, free: n - held.reduce((a, b) => a + b, 0), liveAgents };
      const last = polls.at(-1);
      if (!last || last.free !== poll.free || last.liveAgents !== poll.liveAgents || last.held.some((h, i) => h !== poll.held[i]))
        polls.push(poll);
      const fair = liveAgents === agentCount && poll.free === 0 && held.every((h) => h <= share && h >= n - (agentCount - 1) * share);
      for (let i = 0; i < agents.length; i++) {
        try {
          rss[i].push((await processUsage(agents[i].child.pid!)).rssMb);
        } catch {
          // exiting
        }
      }
      if (pollCount++ % 5 === 0) await sampleBacklog();
      return { now, poll, held, fair };
    };

    agents.push(...(await launch(AGENT_BUNDLE)));
    // Watched as the measured run is (if they all start, they are the agents measured).
    for (let until = Date.now() + settleTimeoutMs; Date.now() < until; ) {
      if (agents.every((a) => startedAt(a.out()) !== null) || agents.some((a) => a.child.exitCode !== null)) break;
      await sleep(1000);
      await pollOnce().catch(() => {});
    }
    const failed = agents.filter((a) => startedAt(a.out()) === null);
    const stockAgent = {
      started: agentCount - failed.length,
      of: agentCount,
      error: failed.length
        ? (
            /Transaction API error[^\n]*/.exec(failed.map((a) => a.out()).join("\n"))?.[0] ??
            /agent: failed to start[^\n]*/.exec(failed.map((a) => a.out()).join("\n"))?.[0] ??
            failed[0].out().split("\n").filter(Boolean).slice(-3).join(" | ")
          ).slice(0, 400)
        : null,
      exitCodes: agents.map((a) => a.child.exitCode),
    };
    log(JSON.stringify(stockAgent));
    let agentPatch: string | null = null;
    if (failed.length) {
      await Promise.all(agents.map((a) => stopAgent(a)));
      agents.length = 0;
      // A first deploy again: the stock agents' monitors, region checks (some never decided) and leases go with the database.
      await db.$disconnect();
      db = (await freshPgDb(PG_SCALE_DATABASE, { poolSize: 3 })).db;
      agentPatch = await buildPatchedAgent();
      log(`the stock agents did not all start; running the agent bundled with ${agentPatch}`);
      polls.length = 0;
      backlog.length = 0;
      for (const r of rss) r.length = 0;
      lastCpu = null;
      pollCount = 0;
      launchedAt = Date.now();
      agents.push(...(await launch(SCALE_AGENT_BUNDLE)));
    }
    log(`${agentCount} agents spawned (2 s apart) in region ${region}`);
    let deadline = launchedAt + settleTimeoutMs + windowMs + 10_000;

    for (;;) {
      await sleep(1000);
      assertAlive();
      const { now, poll, held, fair } = await pollOnce();
      if (settledAt === null && (fair || now - launchedAt > settleTimeoutMs)) {
        settledAt = now;
        settledByCap = !fair;
        windowStart = now;
        startUsage = await Promise.all(agents.map((a) => processUsage(a.child.pid!)));
        startThreads = agents.map((a) => threadCpuSeconds(a.child.pid!));
        startPg = await commandCpuSeconds("postgres");
        startTarget = (await processUsage(target.pid!)).cpuSeconds;
        startMachine = await machineTicks();
        startDbStats = await dbStats(db);
        for (const r of rss) r.length = 0;
        deadline = windowStart + windowMs + 8_000;
        log(
          fair
            ? `leases settled after ${poll.t} s: ${held.join(" / ")}`
            : `leases not settled after ${poll.t} s (${held.join(" / ")}, ${poll.free} free): measuring anyway`,
        );
      } else if (settledAt !== null && !fair) {
        unsettledAfter += 1;
      }
      if (now >= deadline) break;
    }
    // Whether the window began with the leases settled (else it began at the cap, unsettled).
    const settled = !settledByCap;
    const windowEnd = windowStart! + windowMs;
    const endAt = Date.now();
    const endUsage = await Promise.all(agents.map((a) => processUsage(a.child.pid!)));
    const endThreads = agents.map((a) => threadCpuSeconds(a.child.pid!));
    const endPg = await commandCpuSeconds("postgres");
    const endTarget = (await processUsage(target.pid!)).cpuSeconds;
    const endMachine = await machineTicks();
    const endDbStats = await dbStats(db);
    const order = idOrder();
    const finalRows = [...agentRows];
    const leasesAtEnd = await db.monitorLease.groupBy({ by: ["agentId"], where: { region }, _count: { _all: true } });
    // Slots a check ran for but the quorum decision had not taken yet, 10 s after the slot.
    const undecidedBacklog = await db.regionCheck.count({ where: { decidedAt: null, slot: { lt: new Date(endAt - 10_000) } } });
    const wallMs = endAt - windowStart!;

    // After the window: steady state. The start-up leaves the quorum decision a backlog; it counts as
    // worked off from the first sample after the last one with 200 or more region checks waiting.
    // Wait for that up to 90 s after the window if need be, then keep one full interval after it.
    const drainedSince = (): number | null => {
      const after = backlog.filter((b) => b.at >= windowStart!);
      let lastHigh = -1;
      after.forEach((b, i) => {
        if (b.undecided >= 200) lastHigh = i;
      });
      return lastHigh === -1 ? windowStart! : (after[lastHigh + 1]?.at ?? null);
    };
    const drainCap = Date.now() + 90_000;
    const tailCap = drainCap + intervalMs + 8_000;
    for (;;) {
      const d = drainedSince();
      if (d !== null && Date.now() >= d + intervalMs + 8_000) break;
      if ((d === null && Date.now() >= drainCap) || Date.now() >= tailCap) break;
      await sleep(5000);
      assertAlive();
      await sampleBacklog();
    }
    const drainedAt = drainedSince();
    const steadyEnd = drainedAt !== null && Date.now() >= drainedAt + intervalMs + 8_000 ? drainedAt + intervalMs : null;
    log(
      steadyEnd !== null
        ? `decision backlog worked off ${round((drainedAt! - windowStart!) / 1000, 0)} s into the window; steady state measured for one interval after it`
        : "the decision backlog was not worked off for good within 90 s after the window: no steady state",
    );
    log("stopping the agents");
    await Promise.all(agents.map((a) => stopAgent(a)));
    const hits = (await (await fetch(`http://127.0.0.1:${port}/__hits`)).json()) as Record<string, number[]>;

    // The figures, from the database and the target.
    const monitors = await db.monitor.findMany({ select: { id: true, slug: true, phaseMs: true } });
    const checks = await db.regionCheck.findMany({
      where: { region },
      select: { monitorId: true, slot: true, agentId: true, latenessMs: true, decidedAt: true },
    });
    const quorumRows = await db.checkResult.count({
      where: { region: "quorum", slot: { gte: new Date(windowStart!), lt: new Date(windowEnd) } },
    });
    const inWindow = (slot: number) => slot >= windowStart! && slot < windowEnd;
    const windowChecks = checks.filter((c) => inWindow(c.slot.getTime()));
    const firstStarted = Math.min(...agents.map((a) => startedAt(a.out()) ?? Infinity));
    const lastStarted = Math.max(...agents.map((a) => startedAt(a.out()) ?? NaN));

    const checkedBy = new Map(checks.map((c) => [`${c.monitorId}:${c.slot.getTime()}`, c.agentId]));
    const present = checkedBy;
    const bySlug = new Map(monitors.map((m) => [m.slug, m]));
    /** Slots of every monitor in [from, to) that have no region check. */
    const missedIn = (from: number, to: number) => {
      let expected = 0;
      let missed = 0;
      // The first few, with who checked the slots before and after: a hand-over shows as two agents.
      const examples: Array<{ monitorId: number; secondsAfterFirstStart: number; before: string | null; after: string | null }> = [];
      const agentNo = (id: string | undefined) => (id === undefined ? null : `agent ${order.indexOf(id) + 1}`);
      for (const m of monitors) {
        const first = Math.ceil((from - m.phaseMs) / intervalMs) * intervalMs + m.phaseMs;
        for (let s = first; s < to; s += intervalMs) {
          expected += 1;
          if (present.has(`${m.id}:${s}`)) continue;
          missed += 1;
          if (examples.length < 10)
            examples.push({
              monitorId: m.id,
              secondsAfterFirstStart: round((s - firstStarted) / 1000, 1),
              before: agentNo(checkedBy.get(`${m.id}:${s - intervalMs}`)),
              after: agentNo(checkedBy.get(`${m.id}:${s + intervalMs}`)),
            });
        }
      }
      return { expected, missed, examples };
    };
    /** Slots in [from, to) the target was asked for more than once. */
    const duplicatedIn = (from: number, to: number) => {
      let duplicated = 0;
      for (const [path, times] of Object.entries(hits)) {
        const m = bySlug.get(`m-${path.slice(1)}`);
        if (!m) continue;
        const perSlot = new Map<number, number>();
        for (const t of times) {
          const slot = Math.floor((t - m.phaseMs) / intervalMs) * intervalMs + m.phaseMs;
          if (slot >= from && slot < to) perSlot.set(slot, (perSlot.get(slot) ?? 0) + 1);
        }
        for (const c of perSlot.values()) duplicated += Math.max(0, c - 1);
      }
      return duplicated;
    };
    const startup = Number.isFinite(firstStarted) ? { from: firstStarted, to: windowStart! } : null;

    const perAgent = agents.map((a, i) => {
      const id = order[i];
      const row = finalRows.find((r) => r.id === id);
      const mine = windowChecks.filter((c) => c.agentId === id).map((c) => c.latenessMs);
      return {
        agent: i + 1,
        pid: a.child.pid,
        startedAfterSeconds: startedAt(a.out()) ? round((startedAt(a.out())! - launchedAt) / 1000, 1) : null,
        monitorsHeld: leasesAtEnd.find((g) => g.agentId === id)?._count._all ?? 0,
        checksInWindow: mine.length,
        latenessMs: stats(mine),
        heartbeat: row
          ? { monitors: row.monitors, checks: row.checks, latenessP50Ms: row.latenessP50Ms, latenessP99Ms: row.latenessP99Ms }
          : null,
        cpuPercent: pct(endUsage[i].cpuSeconds - startUsage[i].cpuSeconds, wallMs),
        threadCpuSeconds: agentThreadCpu(a.child.pid!, startThreads[i], endThreads[i]),
        rssMb: { median: round(median(rss[i]), 0), max: round(Math.max(...rss[i]), 0) },
        failedLines: (a.out().match(/failed/g) ?? []).length,
      };
    });
    const missedWindow = missedIn(windowStart!, windowEnd);
    // Lateness through the window in 20 s steps of slot time, next to the decision backlog then;
    // and after the backlog left by the start-up was worked off (under 200 region checks waiting).
    const steps = [];
    for (let from = windowStart!; from < windowEnd; from += 20_000) {
      const v = windowChecks.filter((c) => c.slot.getTime() >= from && c.slot.getTime() < from + 20_000).map((c) => c.latenessMs);
      const near = backlog.filter((b) => b.at >= from && b.at < from + 20_000);
      steps.push({
        fromSecond: round((from - windowStart!) / 1000, 0),
        latenessMs: stats(v),
        undecided: near.length ? Math.max(...near.map((b) => b.undecided)) : null,
        agentsCpu: near.length ? round(median(near.map((b) => b.agentsCpu)), 1) : null,
      });
    }
    const steady =
      drainedAt === null || steadyEnd === null
        ? null
        : {
            fromSecond: round((drainedAt - windowStart!) / 1000, 1),
            seconds: intervalMs / 1000,
            latenessMs: stats(checks.filter((c) => c.slot.getTime() >= drainedAt && c.slot.getTime() < steadyEnd).map((c) => c.latenessMs)),
            ...missedIn(drainedAt, steadyEnd),
            duplicated: duplicatedIn(drainedAt, steadyEnd),
            agentsCpu: round(median(backlog.filter((b) => b.at > drainedAt && b.at <= steadyEnd + 5_000).map((b) => b.agentsCpu)), 1),
            postgresCpu: round(median(backlog.filter((b) => b.at > drainedAt && b.at <= steadyEnd + 5_000).map((b) => b.postgresCpu)), 1),
          };
    const decidedInWindow = checks.filter(
      (c) => c.decidedAt && c.decidedAt.getTime() >= windowStart! && c.decidedAt.getTime() < windowEnd,
    ).length;
    const decideDelays = windowChecks.filter((c) => c.decidedAt).map((c) => c.decidedAt!.getTime() - c.slot.getTime());
    const machine = { busy: endMachine.busy - startMachine.busy, total: endMachine.total - startMachine.total };
    return {
      monitors: n,
      agents: agentCount,
      region,
      intervalSeconds: intervalMs / 1000,
      windowSeconds: windowMs / 1000,
      totalSeconds: round((Date.now() - launchedAt) / 1000, 0),
      leaseTtlMs: Number(process.env.LEASE_TTL_MS || 15_000),
      stockAgent,
      agentPatch,
      settled,
      settleSeconds: {
        fromLaunch: round((windowStart! - launchedAt) / 1000, 1),
        fromLastAgentStarted: Number.isFinite(lastStarted) ? round((windowStart! - lastStarted) / 1000, 1) : null,
        lastAgentStartedAfter: Number.isFinite(lastStarted) ? round((lastStarted - launchedAt) / 1000, 1) : null,
      },
      unsettledPollsAfterSettling: unsettledAfter,
      leaseTimeline: polls,
      checksInWindow: windowChecks.length,
      latenessMs: stats(windowChecks.map((c) => c.latenessMs)),
      latenessSteps: steps,
      /** One interval after the start-up's decision backlog was worked off for good (null: not within 90 s after the window). */
      afterBacklog: steady,
      perAgent,
      regions: [
        {
          region,
          window: { ...missedWindow, duplicated: duplicatedIn(windowStart!, windowEnd) },
          startup: startup
            ? {
                seconds: round((startup.to - startup.from) / 1000, 1),
                ...missedIn(startup.from, startup.to),
                duplicated: duplicatedIn(startup.from, startup.to),
              }
            : null,
        },
      ],
      /** What the agents asked of PostgreSQL over the window, per second (pg_stat_database and pg_stat_user_tables of the bench database). */
      postgresPerSecond: startDbStats ? rates(startDbStats, endDbStats, wallMs) : null,
      quorum: {
        backlog: backlog.map(({ at, ...b }) => b),
        decidedSlotsInWindow: quorumRows,
        /** Region checks arriving and decided per second during the window: the decision keeps up when the second is at least the first. */
        arrivingPerSecond: round(windowChecks.length / (windowMs / 1000), 1),
        decidedPerSecond: round(decidedInWindow / (windowMs / 1000), 1),
        decideDelayMs: stats(decideDelays),
        undecidedOlderThan10sAtEnd: undecidedBacklog,
      },
      /** The agents' CPU per check of the window, by thread (bench/util.ts agentThreadCpu). */
      // CPU is read over wallMs (the window and the slack after it), where checks go on at the window's rate.
      agentCpuPerCheckMs: cpuPerCheck(
        perAgent.map((p) => p.threadCpuSeconds),
        windowChecks.length * (wallMs / windowMs),
      ),
      cpuPercentOfOneCore: {
        agents: round(
          perAgent.reduce((a, p) => a + p.cpuPercent, 0),
          1,
        ),
        postgres: pct(endPg - startPg, wallMs),
        target: pct(endTarget - startTarget, wallMs),
        machine: round((machine.busy / Math.max(1, machine.total)) * 100 * cpus().length, 1),
        /** Everything else on the machine meanwhile (other users' work, the bench itself, the kernel). */
        others: round(
          (machine.busy / Math.max(1, machine.total)) * 100 * cpus().length -
            perAgent.reduce((a, p) => a + p.cpuPercent, 0) -
            pct(endPg - startPg, wallMs) -
            pct(endTarget - startTarget, wallMs),
          1,
        ),
        cores: cpus().length,
      },
      machineLoad: { before: machineLoadBefore, after: loadavg().map((v) => round(v, 2)) },
    };
  } finally {
    await Promise.all(agents.map((a) => stopAgent(a, 5000).catch(() => {})));
    target.kill();
    await db?.$disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    JSON.stringify(
      await benchScaleLateness({
        monitors: Number(process.argv[2] ?? 10_000),
        agents: Number(process.argv[3] ?? 3),
        windowSeconds: Number(process.argv[4] ?? 120),
      }),
      null,
      2,
    ),
  );
}
