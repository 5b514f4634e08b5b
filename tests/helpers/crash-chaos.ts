// Crash-safety scenarios shared by the short run in the normal suite
// (tests/integration/crash-safety.test.ts) and the long one (tests/chaos/*.chaos.ts):
//   1. the agent SIGKILLed at random points while it probes flapping targets and a slow
//      webhook receiver takes its notifications;
//   2. the web process SIGKILLed while maintainers' writes (incident.create) are in flight;
//   3. another process holding SQLite's write lock while the agent runs.
// Each scenario checks its invariants with vitest's expect and returns its figures.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { expect } from "vitest";
import { createTempDb, type TempDb } from "./temp-db";
import { startHttp } from "./loopback";
import type { AgentProcess } from "./agent-process";
import { AGENT_BUNDLE, AGENT_NODE_FLAGS, buildAgentIfNeeded } from "../../scripts/build-agent.mjs";
import { startWeb } from "./web-process";
import type { Db } from "../../monitors/store/client";
import { bucketStart, RESOLUTIONS } from "../../monitors/store/buckets";
import { createSession, SESSION_COOKIE } from "../../monitors/auth/sessions";
import { verifyWebhookSignature } from "../../monitors/notify/webhook";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** mulberry32: a small seeded generator, so a failing run can be repeated with CHAOS_SEED. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/** CHAOS_SEED when set, otherwise a fresh one (printed by every scenario). */
export function chaosSeed(): number {
  return envInt("CHAOS_SEED", Math.floor(Math.random() * 2 ** 31) + 1);
}

type Log = (line: string) => void;
const defaultLog: Log = (line) => console.log(`[chaos] ${line}`);

/** Nearest-rank percentile. */
export function percentile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function dbFile(t: TempDb): string {
  return t.url.replace(/^file:/, "");
}

/** Lines of a process's output that must never appear, whatever was killed when. */
const CORRUPTION = /UNIQUE constraint failed|FOREIGN KEY constraint failed|SQLITE_CORRUPT|database disk image is malformed|SQLITE_NOTADB/;

/**
 * Runs the agent the way `npm run agent` does: the esbuild bundle (built by the global setup) on
 * plain Node with the production flags. Same interface as helpers/agent-process startAgent, which
 * runs the sources through tsx: the bundle starts about a second sooner, which adds up over 50
 * restarts, and it is what is deployed.
 */
let bundleChecked = false;

export async function startBundledAgent(databaseUrl: string, configFile: string, extraEnv: Record<string, string> = {}): Promise<AgentProcess> {
  // Once per test file: the global setup built it; this only covers running a file on its own.
  if (!bundleChecked) await buildAgentIfNeeded();
  bundleChecked = true;
  const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, AGENT_BUNDLE], {
    env: { ...process.env, DATABASE_URL: databaseUrl, MONITORS_CONFIG: configFile, CONFIG_WATCH: "0", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor: async (pattern, timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > until) throw new Error(`agent did not print ${pattern} within ${timeoutMs} ms; output:\n${out}`);
        if (child.exitCode !== null) throw new Error(`agent exited (${child.exitCode}) before printing ${pattern}; output:\n${out}`);
        await sleep(20);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Storage invariants (agent side)
// ---------------------------------------------------------------------------------------------

export interface StoreSummary {
  results: number;
  stateChanges: number;
  unhandledChanges: number;
  autoIncidents: number;
  openIncidents: number;
  outboxRows: number;
  outboxDelivered: number;
  outboxPending: number;
}

export async function integrityOk(db: Db): Promise<void> {
  const integrity = await db.$queryRawUnsafe<Array<Record<string, unknown>>>("PRAGMA integrity_check");
  expect(integrity.map((r) => Object.values(r)[0]), "PRAGMA integrity_check").toEqual(["ok"]);
  const fk = await db.$queryRawUnsafe<unknown[]>("PRAGMA foreign_key_check");
  expect(fk, "PRAGMA foreign_key_check").toEqual([]);
}

/**
 * Everything that must hold whenever no agent is running, whatever moment the last one died at:
 * integrity; no slot twice; rollups equal to the raw results they summarise, bucket by bucket;
 * each monitor's stored state written with its last result; state changes that follow each
 * other; incidents neither duplicated nor lost; exactly the notifications the incidents call
 * for, each queued once; and nothing marked delivered that the receiver never got.
 */
export async function checkStoreInvariants(db: Db, channelId: number, received?: ReadonlySet<string>): Promise<StoreSummary> {
  await integrityOk(db);

  // No slot written twice (the primary key says so; a failed insert would retry forever).
  const twice = await db.$queryRawUnsafe<unknown[]>(`SELECT "monitorId", "region", "slot", COUNT(*) AS n FROM "CheckResult" GROUP BY 1, 2, 3 HAVING n > 1`);
  expect(twice, "slots written twice").toEqual([]);

  // Rollups == raw results, per monitor, resolution and bucket.
  const perMinute = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT "monitorId" AS m, "slot" - ("slot" % 60000) AS b, COUNT(*) AS n,
       SUM(CASE WHEN "effective" = 'up' THEN 1 ELSE 0 END) AS up,
       SUM(CASE WHEN "effective" = 'degraded' THEN 1 ELSE 0 END) AS degraded,
       SUM(CASE WHEN "effective" = 'down' THEN 1 ELSE 0 END) AS down,
       SUM(CASE WHEN "effective" = 'maintenance' THEN 1 ELSE 0 END) AS maintenance,
       SUM(CASE WHEN "status" <> 'down' THEN 1 ELSE 0 END) AS latencyCount
     FROM "CheckResult" GROUP BY 1, 2`,
  );
  const expected = new Map<string, number[]>();
  let results = 0;
  for (const row of perMinute) {
    const m = Number(row.m);
    const b = Number(row.b);
    const counts = [row.up, row.degraded, row.down, row.maintenance, row.latencyCount].map(Number);
    results += Number(row.n);
    for (const r of RESOLUTIONS) {
      const key = `${m}|${r}|${bucketStart(r, b)}`;
      const acc = expected.get(key) ?? [0, 0, 0, 0, 0];
      counts.forEach((c, i) => (acc[i] += c));
      expected.set(key, acc);
    }
  }
  const rollups = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT "monitorId" AS m, "resolution" AS r, "bucket" AS b, "up", "degraded", "down", "maintenance", "latencyCount" FROM "Rollup"`);
  const actual = new Map<string, number[]>();
  for (const row of rollups) {
    const counts = [row.up, row.degraded, row.down, row.maintenance, row.latencyCount].map(Number);
    if (counts.every((c) => c === 0)) continue;
    actual.set(`${Number(row.m)}|${row.r}|${Number(row.b)}`, counts);
  }
  const rollupProblems: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const e = expected.get(key) ?? [0, 0, 0, 0, 0];
    const a = actual.get(key) ?? [0, 0, 0, 0, 0];
    if (e.join() !== a.join()) rollupProblems.push(`${key}: rollup [up,degraded,down,maintenance,latencyCount]=[${a}] raw=[${e}]`);
  }
  expect(rollupProblems, "rollups that differ from the raw results").toEqual([]);

  // Each monitor's state was written in the same transaction as its last result.
  const stateVsResults = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT s."monitorId" AS m, s."lastSlot" AS lastSlot, s."status" AS status, (SELECT MAX(r."slot") FROM "CheckResult" r WHERE r."monitorId" = s."monitorId") AS maxSlot FROM "MonitorState" s`,
  );
  const stateProblems = stateVsResults.filter((r) => num(r.lastSlot) !== num(r.maxSlot)).map((r) => `monitor ${r.m}: state lastSlot ${num(r.lastSlot)}, last result ${num(r.maxSlot)}`);
  expect(stateProblems, "monitor states out of step with their results").toEqual([]);
  const statusOf = new Map(stateVsResults.map((r) => [Number(r.m), String(r.status)]));

  // State changes: one chain per monitor, each change starting where the last one ended.
  const changes = await db.stateChange.findMany({ orderBy: { id: "asc" }, select: { id: true, monitorId: true, fromStatus: true, toStatus: true, at: true, handledAt: true } });
  const byMonitor = new Map<number, typeof changes>();
  for (const c of changes) byMonitor.set(c.monitorId, [...(byMonitor.get(c.monitorId) ?? []), c]);
  const chainProblems: string[] = [];
  for (const [m, list] of byMonitor) {
    if (list[0].fromStatus !== "unknown") chainProblems.push(`monitor ${m}: first change starts from ${list[0].fromStatus}`);
    for (let i = 1; i < list.length; i++) {
      if (list[i].fromStatus !== list[i - 1].toStatus) chainProblems.push(`monitor ${m}: change ${list[i].id} ${list[i].fromStatus}->${list[i].toStatus} follows ${list[i - 1].fromStatus}->${list[i - 1].toStatus}`);
      if (list[i].at <= list[i - 1].at) chainProblems.push(`monitor ${m}: change ${list[i].id} is not later than change ${list[i - 1].id}`);
    }
    const last = list[list.length - 1];
    if (statusOf.get(m) !== last.toStatus) chainProblems.push(`monitor ${m}: state ${statusOf.get(m)} but last change went to ${last.toStatus}`);
  }
  for (const [m, status] of statusOf) if (!byMonitor.has(m) && status !== "unknown") chainProblems.push(`monitor ${m}: state ${status} without a state change`);
  expect(chainProblems, "state change chains").toEqual([]);

  // Changes are handled in order: the handled ones are a prefix.
  const handled = changes.filter((c) => c.handledAt);
  const unhandled = changes.filter((c) => !c.handledAt);
  if (handled.length && unhandled.length) expect(handled[handled.length - 1].id, "state changes handled in order").toBeLessThan(unhandled[0].id);

  // Incidents.
  const incidents = await db.incident.findMany({
    orderBy: { id: "asc" },
    select: { id: true, auto: true, startedAt: true, resolvedAt: true, monitors: { select: { monitorId: true, recoveredAt: true } }, updates: { select: { id: true, status: true }, orderBy: { id: "asc" } } },
  });
  const incidentProblems: string[] = [];
  const unresolvedOf = new Map<number, number[]>();
  const openedAt = new Map<string, number[]>();
  for (const inc of incidents) {
    const ms = inc.monitors.map((x) => x.monitorId);
    if (new Set(ms).size !== ms.length) incidentProblems.push(`incident ${inc.id}: a monitor twice`);
    if (!inc.updates.length) incidentProblems.push(`incident ${inc.id}: no update`);
    if (inc.auto && inc.updates[0]?.status !== "investigating") incidentProblems.push(`incident ${inc.id}: first update is ${inc.updates[0]?.status}`);
    if (inc.auto && inc.resolvedAt && inc.updates.filter((u) => u.status === "resolved").length !== 1) incidentProblems.push(`incident ${inc.id}: resolved without exactly one resolved update`);
    for (const m of ms) {
      if (!inc.resolvedAt) unresolvedOf.set(m, [...(unresolvedOf.get(m) ?? []), inc.id]);
      const key = `${m}@${inc.startedAt.getTime()}`;
      openedAt.set(key, [...(openedAt.get(key) ?? []), inc.id]);
    }
  }
  for (const [m, ids] of unresolvedOf) if (ids.length > 1) incidentProblems.push(`monitor ${m} is in ${ids.length} unresolved incidents: ${ids}`);
  for (const [key, ids] of openedAt) if (ids.length > 1) incidentProblems.push(`failure ${key} has ${ids.length} incidents: ${ids}`);
  // Every handled failure belongs to an incident that was open at that time.
  for (const c of handled) {
    if (c.toStatus !== "down" && c.toStatus !== "degraded") continue;
    const home = incidents.find((i) => i.monitors.some((x) => x.monitorId === c.monitorId) && i.startedAt <= c.at && (!i.resolvedAt || i.resolvedAt > c.at));
    if (!home) incidentProblems.push(`state change ${c.id} (monitor ${c.monitorId} ${c.fromStatus}->${c.toStatus} at ${c.at.toISOString()}) has no incident`);
  }
  // Where each monitor stands after its last handled change.
  const lastHandled = new Map<number, (typeof changes)[number]>();
  for (const c of handled) lastHandled.set(c.monitorId, c);
  for (const [m, c] of lastHandled) {
    const failingIn = incidents.filter((i) => !i.resolvedAt && i.monitors.some((x) => x.monitorId === m && !x.recoveredAt)).map((i) => i.id);
    const failing = c.toStatus === "down" || c.toStatus === "degraded";
    if (failing && failingIn.length !== 1) incidentProblems.push(`monitor ${m} last went ${c.toStatus} but is failing in ${failingIn.length} open incidents`);
    if (!failing && failingIn.length) incidentProblems.push(`monitor ${m} last went ${c.toStatus} but is still failing in incidents ${failingIn}`);
  }
  expect(incidentProblems, "incidents").toEqual([]);

  // Exactly the notifications these incidents call for, one row each (one channel, no subscribers).
  const wanted = new Set<string>();
  for (const inc of incidents) {
    wanted.add(`incident.opened:${inc.id}`);
    if (inc.resolvedAt) wanted.add(`incident.resolved:${inc.id}`);
    inc.updates.slice(1).forEach((u) => u.status !== "resolved" && wanted.add(`incident.updated:${u.id}`));
  }
  const outbox = await db.outbox.findMany({ orderBy: { id: "asc" }, select: { id: true, eventKey: true, target: true, status: true } });
  expect(outbox.filter((o) => o.target !== `channel:${channelId}`), "outbox rows for other targets").toEqual([]);
  const keys = outbox.map((o) => o.eventKey);
  expect(new Set(keys).size, "an event queued twice").toBe(keys.length);
  expect([...keys].sort(), "outbox rows == the notifications the incidents call for").toEqual([...wanted].sort());
  expect(outbox.filter((o) => o.status === "failed"), "failed deliveries").toEqual([]);
  if (received) {
    const notReceived = outbox.filter((o) => o.status === "delivered" && !received.has(o.eventKey)).map((o) => o.eventKey);
    expect(notReceived, "rows marked delivered that the receiver never got").toEqual([]);
  }

  return {
    results,
    stateChanges: changes.length,
    unhandledChanges: unhandled.length,
    autoIncidents: incidents.filter((i) => i.auto).length,
    openIncidents: incidents.filter((i) => !i.resolvedAt).length,
    outboxRows: outbox.length,
    outboxDelivered: outbox.filter((o) => o.status === "delivered").length,
    outboxPending: outbox.filter((o) => o.status === "pending").length,
  };
}

// ---------------------------------------------------------------------------------------------
// Loopback servers
// ---------------------------------------------------------------------------------------------

export interface Receipt {
  id: string;
  type: string;
  at: number;
  /** The whole body arrived (a killed sender may leave a request half-sent). */
  complete: boolean;
  signatureOk: boolean;
}

/** A webhook receiver that answers 200 after 300–800 ms and records every x-status-delivery id. */
export async function startSlowReceiver(secret: string, rng: () => number, delayMs: [number, number] = [300, 800]) {
  const receipts: Receipt[] = [];
  let open = 0;
  const server = await startHttp((req, res) => {
    const receipt: Receipt = { id: String(req.headers["x-status-delivery"] ?? ""), type: String(req.headers["x-status-event"] ?? ""), at: Date.now(), complete: false, signatureOk: false };
    receipts.push(receipt);
    open++;
    let done = false;
    const finish = () => {
      if (!done) open--;
      done = true;
    };
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("close", finish);
    req.on("end", () => {
      receipt.complete = true;
      receipt.signatureOk = verifyWebhookSignature(secret, req.headers["x-status-signature"] as string | undefined, Buffer.concat(chunks));
      setTimeout(() => {
        finish();
        if (!res.destroyed) {
          res.writeHead(200, { "content-type": "text/plain" });
          res.end("ok");
        }
      }, delayMs[0] + rng() * (delayMs[1] - delayMs[0]));
    });
  });
  return {
    ...server,
    receipts,
    get open() {
      return open;
    },
    seen: () => new Set(receipts.map((r) => r.id)),
  };
}

export interface FlapControl {
  flapping: boolean;
}

/**
 * /ok answers 200; /down answers 500; /flap/<half period ms>/<offset ms> alternates 200 and 500
 * every half period. With `flapping` false every path answers 200.
 */
export async function startFlappingTarget(control: FlapControl) {
  return startHttp((req, res) => {
    const url = req.url ?? "/";
    let status = 200;
    if (control.flapping) {
      if (url === "/down") status = 500;
      const m = /^\/flap\/(\d+)\/(\d+)$/.exec(url);
      if (m && Math.floor((Date.now() + Number(m[2])) / Number(m[1])) % 2 === 1) status = 500;
    }
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(status === 200 ? "ok" : "failing");
  });
}

/** The agent's YAML with an incidents section (helpers/agent-process writes monitors only). */
export function writeChaosConfig(dir: string, monitors: Array<Record<string, unknown>>, incidents: Record<string, unknown>, name = "chaos.yaml"): string {
  const file = join(dir, name);
  writeFileSync(file, stringify({ incidents, monitors }));
  return file;
}

// ---------------------------------------------------------------------------------------------
// 1. The agent, killed at random points
// ---------------------------------------------------------------------------------------------

export interface AgentKillLoopOptions {
  kills: number;
  monitors: number;
  /** Monitors whose target alternates between 200 and 500. */
  flapping: number;
  /** Each flapping target answers 200, then 500, for a half period drawn from this range (default 2–3.5 s). */
  flapHalfPeriodMs?: [number, number];
  /** Monitors whose target answers 500 until the end. */
  steadyDown: number;
  seed: number;
  /** Share of kills timed from the spawn instead of from "started" (they may land in startup). */
  startupKillShare?: number;
  /** How long the last run may take to deliver everything. */
  finalTimeoutMs: number;
  log?: Log;
}

export interface KillRecord {
  n: number;
  afterMs: number;
  /** The agent had printed "started" (config synced, scheduler running) when it was killed. */
  started: boolean;
  /** Requests the receiver had not answered yet when the kill was sent. */
  receiverOpen: number;
  /** Event ids the receiver got from this run that were still pending after the kill. */
  inFlight: string[];
}

export interface AgentKillLoopReport {
  seed: number;
  kills: number;
  killsBeforeStarted: number;
  /** Kills after the receiver got an event whose row was not marked delivered yet (those are sent again). */
  killsWithDeliveryInFlight: number;
  /** Kills while the receiver was still holding a request unanswered (a subset of the above). */
  killsWhileReceiverAnswering: number;
  monitors: number;
  slots: number;
  stateChanges: number;
  failureChanges: number;
  incidents: number;
  incidentUpdates: number;
  notifications: number;
  receiverRequests: number;
  duplicateIds: number;
  duplicateRequests: number;
  /** Duplicates that the in-flight kills account for exactly (receipts == 1 + kills in flight). */
  duplicatesExplained: boolean;
  retriesAfterLease: number;
  loopMs: number;
  finalMs: number;
  totalMs: number;
  agentProblems: string[];
}

const WEBHOOK_SECRET = "chaos-webhook-secret-0123456789";

export async function runAgentKillLoop(o: AgentKillLoopOptions): Promise<AgentKillLoopReport> {
  const log = o.log ?? defaultLog;
  const t0 = Date.now();
  const rng = seededRandom(o.seed);
  log(`agent kill loop: seed ${o.seed}, ${o.kills} kills, ${o.monitors} monitors (${o.flapping} flapping, ${o.steadyDown} down)`);
  const t = await createTempDb();
  const control: FlapControl = { flapping: true };
  const target = await startFlappingTarget(control);
  // Its own generator: how many answers the receiver times must not shift the kill schedule.
  const receiver = await startSlowReceiver(WEBHOOK_SECRET, seededRandom(o.seed ^ 0x5bd1e995));
  let agent: AgentProcess | null = null;
  const agentProblems: string[] = [];
  try {
    const channel = await t.db.notificationChannel.create({ data: { name: "slow-hook", kind: "webhook", config: { url: `${receiver.url}/hook`, secret: WEBHOOK_SECRET } } });
    const monitors: Array<Record<string, unknown>> = [];
    for (let i = 0; i < o.monitors; i++) {
      const slug = `chaos-${String(i).padStart(3, "0")}`;
      let path = "/ok";
      const [lo, hi] = o.flapHalfPeriodMs ?? [2000, 3500];
      if (i < o.flapping) path = `/flap/${lo + Math.floor(rng() * (hi - lo))}/${Math.floor(rng() * 10_000)}`;
      else if (i < o.flapping + o.steadyDown) path = "/down";
      monitors.push({ slug, name: `Chaos ${i}`, group: "Chaos", kind: "http", url: `${target.url}${path}`, interval: "1s", timeout: "500ms" });
    }
    const config = writeChaosConfig(t.dir, monitors, { group_window: "0s", on_recovery: "resolve", remind_every: 0 });
    const watchOutput = (a: AgentProcess, label: string) => {
      for (const line of a.output().split("\n")) if (CORRUPTION.test(line)) agentProblems.push(`${label}: ${line}`);
    };

    const kills: KillRecord[] = [];
    for (let n = 1; n <= o.kills; n++) {
      const spawnedAt = Date.now();
      agent = await startBundledAgent(t.url, config);
      const fromSpawn = rng() < (o.startupKillShare ?? 0.2);
      const delay = 500 + rng() * 2500;
      if (!fromSpawn) await agent.waitFor(/started in region/, 60_000);
      await sleep(delay);
      const started = /started in region/.test(agent.output());
      const receiverOpen = receiver.open;
      agent.child.kill("SIGKILL");
      await agent.exited;
      // Let the receiver see whatever the dead agent had already written to its socket.
      await sleep(150);
      const fromThisRun = [...new Set(receiver.receipts.filter((r) => r.at >= spawnedAt).map((r) => r.id))];
      const pending = fromThisRun.length ? await t.db.outbox.findMany({ where: { status: "pending", eventKey: { in: fromThisRun } }, select: { eventKey: true } }) : [];
      const record: KillRecord = { n, afterMs: Date.now() - spawnedAt, started, receiverOpen, inFlight: pending.map((p) => p.eventKey) };
      kills.push(record);
      watchOutput(agent, `run ${n}`);
      const s = await checkStoreInvariants(t.db, channel.id, receiver.seen());
      log(
        `kill ${n}/${o.kills} ${started ? "" : "(during startup) "}after ${record.afterMs} ms: ${s.results} slots, ${s.stateChanges} changes (${s.unhandledChanges} unhandled), ${s.autoIncidents} incidents (${s.openIncidents} open), outbox ${s.outboxDelivered}/${s.outboxRows} delivered, in flight ${record.inFlight.length ? record.inFlight.join(",") : "-"}`,
      );
      agent = null;
    }
    const loopMs = Date.now() - t0;

    // The last run: targets all up; it must deliver everything, then stop cleanly.
    control.flapping = false;
    const finalStart = Date.now();
    agent = await startBundledAgent(t.url, config);
    await agent.waitFor(/started in region/, 60_000);
    const deadline = Date.now() + o.finalTimeoutMs;
    let state = { pending: -1, unhandled: -1, notUp: -1, open: -1 };
    for (;;) {
      state = {
        pending: await t.db.outbox.count({ where: { status: "pending" } }),
        unhandled: await t.db.stateChange.count({ where: { handledAt: null } }),
        notUp: await t.db.monitorState.count({ where: { status: { not: "up" } } }),
        open: await t.db.incident.count({ where: { resolvedAt: null } }),
      };
      const stateCount = await t.db.monitorState.count();
      if (!state.pending && !state.unhandled && !state.notUp && !state.open && stateCount === o.monitors) break;
      if (Date.now() > deadline) throw new Error(`the last run did not settle within ${o.finalTimeoutMs} ms: ${JSON.stringify(state)}\n${agent.output().slice(-4000)}`);
      await sleep(500);
    }
    agent.child.kill("SIGTERM");
    expect(await agent.exited, "the last run exits cleanly on SIGTERM").toBe(0);
    watchOutput(agent, "last run");
    agent = null;
    const finalMs = Date.now() - finalStart;
    await sleep(150);

    const s = await checkStoreInvariants(t.db, channel.id, receiver.seen());
    const outbox = await t.db.outbox.findMany({ orderBy: { id: "asc" }, select: { id: true, eventKey: true, status: true, attempts: true } });
    const changes = await t.db.stateChange.findMany({ select: { toStatus: true, handledAt: true } });
    expect(changes.filter((c) => !c.handledAt), "state changes left unhandled").toEqual([]);
    expect(outbox.filter((r) => r.status !== "delivered"), "outbox rows not delivered").toEqual([]);
    const seen = receiver.seen();
    expect(outbox.filter((r) => !seen.has(r.eventKey)).map((r) => r.eventKey), "outbox rows the receiver never saw").toEqual([]);
    const known = new Set(outbox.map((r) => r.eventKey));
    expect([...seen].filter((id) => !known.has(id)), "deliveries of events that are not in the outbox").toEqual([]);
    expect(receiver.receipts.filter((r) => r.complete && !r.signatureOk).length, "badly signed deliveries").toBe(0);
    // One target: its messages went out in queue order (a retried row held the later ones back).
    const firstSeen = [...new Set(receiver.receipts.map((r) => r.id))];
    expect(firstSeen, "first deliveries in outbox order").toEqual(outbox.map((r) => r.eventKey));

    // Duplicates: only an event that a kill caught in flight may arrive again, once per such kill.
    const receiptsOf = new Map<string, number>();
    for (const r of receiver.receipts) receiptsOf.set(r.id, (receiptsOf.get(r.id) ?? 0) + 1);
    const inFlightKillsOf = new Map<string, number>();
    for (const k of kills) for (const id of k.inFlight) inFlightKillsOf.set(id, (inFlightKillsOf.get(id) ?? 0) + 1);
    const unexplained: string[] = [];
    let duplicateRequests = 0;
    let duplicateIds = 0;
    let exact = true;
    for (const [id, count] of receiptsOf) {
      const allowed = inFlightKillsOf.get(id) ?? 0;
      if (count > 1) {
        duplicateIds++;
        duplicateRequests += count - 1;
      }
      if (count - 1 > allowed) unexplained.push(`${id}: received ${count} times, in flight at ${allowed} kill(s)`);
      if (count - 1 !== allowed) exact = false;
    }
    expect(unexplained, "duplicate deliveries not caused by a kill during the delivery").toEqual([]);
    const killsWithDeliveryInFlight = kills.filter((k) => k.inFlight.length).length;
    expect(duplicateRequests, "duplicates <= kills that caught a delivery in flight").toBeLessThanOrEqual(killsWithDeliveryInFlight);
    expect(agentProblems, "corruption or constraint errors in the agent's output").toEqual([]);

    const incidents = await t.db.incident.findMany({ select: { auto: true, resolvedAt: true, _count: { select: { updates: true } } } });
    const report: AgentKillLoopReport = {
      seed: o.seed,
      kills: kills.length,
      killsBeforeStarted: kills.filter((k) => !k.started).length,
      killsWithDeliveryInFlight,
      killsWhileReceiverAnswering: kills.filter((k) => k.receiverOpen > 0).length,
      monitors: o.monitors,
      slots: s.results,
      stateChanges: s.stateChanges,
      failureChanges: changes.filter((c) => c.toStatus === "down" || c.toStatus === "degraded").length,
      incidents: incidents.length,
      incidentUpdates: incidents.reduce((a, i) => a + i._count.updates, 0),
      notifications: outbox.length,
      receiverRequests: receiver.receipts.length,
      duplicateIds,
      duplicateRequests,
      duplicatesExplained: exact,
      retriesAfterLease: outbox.filter((r) => r.attempts > 1).length,
      loopMs,
      finalMs,
      totalMs: Date.now() - t0,
      agentProblems,
    };
    log(`agent kill loop report: ${JSON.stringify(report)}`);
    return report;
  } finally {
    if (agent && agent.child.exitCode === null) {
      agent.child.kill("SIGKILL");
      await agent.exited;
    }
    await receiver.close();
    await target.close();
    await t.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. The web process, killed during maintainers' writes
// ---------------------------------------------------------------------------------------------

export interface WebKillOptions {
  rounds: number;
  /** Concurrent maintainers posting incident.create. */
  writers: number;
  seed: number;
  log?: Log;
}

export interface WebKillReport {
  seed: number;
  rounds: number;
  requests: number;
  acknowledged: number;
  /** Requests cut off by the kill (no answer). */
  cutOff: number;
  /** Cut-off requests whose incident was committed anyway (the answer was lost, not the write). */
  cutOffButApplied: number;
  inFlightAtKills: number[];
  incidents: number;
  totalMs: number;
}

type Web = Awaited<ReturnType<typeof startWeb>>;

async function killWebHard(web: Web): Promise<void> {
  const pgid = web.child.pid!;
  const exited = web.child.exitCode !== null ? Promise.resolve() : new Promise((r) => web.child.once("exit", r));
  // startWeb runs scripts/start.mjs in its own process group; the Next.js server is its child.
  process.kill(-pgid, "SIGKILL");
  await exited;
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return; // no process left in the group
    }
    if (Date.now() > until) throw new Error(`process group ${pgid} still alive 10 s after SIGKILL`);
    await sleep(50);
  }
}

export async function checkWebWrites(db: Db, targetsPerIncident: number, outcomes: Map<string, { status: number; id?: number }>): Promise<{ incidents: number; cutOffButApplied: number }> {
  await integrityOk(db);
  const incidents = await db.incident.findMany({ select: { id: true, title: true } });
  const ids = new Set(incidents.map((i) => i.id));
  const updates = await db.incidentUpdate.groupBy({ by: ["incidentId"], _count: { _all: true } });
  const audits = await db.auditLog.findMany({ where: { action: "incident.create" }, select: { target: true, details: true } });
  const outbox = await db.outbox.findMany({ select: { eventKey: true } });
  const updatesOf = new Map(updates.map((u) => [u.incidentId, u._count._all]));
  const auditsOf = new Map<string, Array<(typeof audits)[number]>>();
  for (const a of audits) auditsOf.set(String(a.target), [...(auditsOf.get(String(a.target)) ?? []), a]);
  const outboxOf = new Map<string, number>();
  for (const r of outbox) outboxOf.set(r.eventKey, (outboxOf.get(r.eventKey) ?? 0) + 1);

  const problems: string[] = [];
  for (const inc of incidents) {
    if (updatesOf.get(inc.id) !== 1) problems.push(`incident ${inc.id}: ${updatesOf.get(inc.id) ?? 0} updates`);
    const a = auditsOf.get(`incident:${inc.id}`) ?? [];
    if (a.length !== 1) problems.push(`incident ${inc.id}: ${a.length} incident.create audit rows`);
    else if ((a[0].details as { title?: string } | null)?.title !== inc.title) problems.push(`incident ${inc.id}: audit row names ${JSON.stringify(a[0].details)}`);
    if (outboxOf.get(`incident.opened:${inc.id}`) !== targetsPerIncident) problems.push(`incident ${inc.id}: ${outboxOf.get(`incident.opened:${inc.id}`) ?? 0} outbox rows, want ${targetsPerIncident}`);
  }
  for (const u of updates) if (!ids.has(u.incidentId)) problems.push(`orphan updates of incident ${u.incidentId}`);
  for (const target of auditsOf.keys()) if (!ids.has(Number(target.replace(/^incident:/, "")))) problems.push(`orphan audit row for ${target}`);
  for (const key of outboxOf.keys()) if (!ids.has(Number(key.split(":")[1]))) problems.push(`orphan outbox rows for ${key}`);

  // Each request made at most one incident; each acknowledged one made exactly one, with the id it answered.
  const byTitle = new Map<string, number[]>();
  for (const inc of incidents) byTitle.set(inc.title, [...(byTitle.get(inc.title) ?? []), inc.id]);
  let cutOffButApplied = 0;
  for (const [title, found] of byTitle) {
    const outcome = outcomes.get(title);
    if (!outcome) problems.push(`incident(s) ${found} titled ${JSON.stringify(title)} that no request asked for`);
    if (found.length > 1) problems.push(`${found.length} incidents titled ${JSON.stringify(title)}`);
    if (outcome && outcome.status === 0) cutOffButApplied++;
    if (outcome && outcome.status !== 0 && outcome.status !== 200) problems.push(`request ${JSON.stringify(title)} answered ${outcome.status} but its incident exists`);
  }
  for (const [title, outcome] of outcomes) {
    if (outcome.status !== 200) continue;
    const found = byTitle.get(title) ?? [];
    if (found.length !== 1 || found[0] !== outcome.id) problems.push(`acknowledged request ${JSON.stringify(title)} (incident ${outcome.id}) left ${JSON.stringify(found)}`);
  }
  expect(problems, "maintainer writes fully applied or not at all").toEqual([]);
  return { incidents: incidents.length, cutOffButApplied };
}

export async function runWebKillLoop(o: WebKillOptions): Promise<WebKillReport> {
  const log = o.log ?? defaultLog;
  const t0 = Date.now();
  const rng = seededRandom(o.seed);
  log(`web kill loop: seed ${o.seed}, ${o.rounds} rounds, ${o.writers} concurrent writers`);
  const t = await createTempDb();
  let web: Web | null = null;
  try {
    const user = await t.db.user.create({ data: { email: "maintainer@example.com", role: "responder", passwordHash: "unused: the session is made directly" } });
    const { token } = await createSession(t.db, user.id);
    // Two targets per incident: outbox rows are part of the write.
    await t.db.notificationChannel.create({ data: { name: "hook", kind: "webhook", config: { url: "http://127.0.0.1:9/", secret: "x".repeat(32) } } });
    await t.db.subscriber.create({ data: { email: "reader@example.com", confirmedAt: new Date(), unsubscribeTokenHash: "chaos-unsubscribe" } });
    const env = { PUBLIC_URL: "", APP_SECRET: "chaos-app-secret-0123456789abcdef" };
    web = await startWeb(t.url, env);
    const outcomes = new Map<string, { status: number; id?: number }>();
    /** One incident.create as a maintainer's browser sends it; the outcome stays status 0 until an answer arrives. */
    const post = async (w: Web, title: string) => {
      outcomes.set(title, { status: 0 });
      const r = await fetch(`${w.url}/admin/api/incident.create`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-status-request": "1", origin: w.url, cookie: `${SESSION_COOKIE}=${token}` },
        body: JSON.stringify({ title, status: "investigating", impact: "minor", body: `Crash test: ${title}.`, startedAt: "", monitors: {} }),
      });
      const json = (await r.json()) as { redirect?: string };
      const id = Number(/\/admin\/incidents\/(\d+)$/.exec(json.redirect ?? "")?.[1]);
      outcomes.set(title, { status: r.status, id: Number.isFinite(id) ? id : undefined });
    };
    const inFlightAtKills: number[] = [];
    let cutOffButApplied = 0;
    let incidents = 0;
    for (let round = 1; round <= o.rounds; round++) {
      const w = web;
      let stop = false;
      const firstErrors: string[] = [];
      let inFlight = 0;
      const writer = async (k: number) => {
        for (let n = 0; !stop; n++) {
          const title = `round ${round} writer ${k} #${n}`;
          inFlight++;
          try {
            await post(w, title);
          } catch (e) {
            // cut off by the kill: the outcome stays unknown (status 0)
            if (!stop) firstErrors.push(`${title}: ${(e as Error).message} ${(e as { cause?: Error }).cause?.message ?? ""}`);
          } finally {
            inFlight--;
          }
        }
      };
      // The first write after a start loads the route; do it before the clock starts.
      await post(w, `round ${round} warm-up`);
      const writers = Array.from({ length: o.writers }, (_, k) => writer(k));
      await sleep(200 + rng() * 1300);
      while (inFlight === 0) await sleep(1);
      inFlightAtKills.push(inFlight);
      expect(firstErrors, "requests that failed before the kill").toEqual([]);
      stop = true; // no new requests; the ones in flight meet the kill
      await killWebHard(w);
      await Promise.all(writers);
      web = null;
      web = await startWeb(t.url, env);
      const r = await checkWebWrites(t.db, 2, outcomes);
      cutOffButApplied = r.cutOffButApplied;
      incidents = r.incidents;
      // The restarted web serves what was committed.
      const last = [...outcomes.values()].filter((x) => x.status === 200).pop();
      if (last?.id) expect((await fetch(`${web.url}/incidents/${last.id}`)).status, "a committed incident's page after the restart").toBe(200);
      log(`web round ${round}/${o.rounds}: killed with ${inFlightAtKills[round - 1]} writes in flight; ${incidents} incidents, ${cutOffButApplied} applied without an answer so far`);
    }
    await web.stop();
    web = null;
    const r = await checkWebWrites(t.db, 2, outcomes);
    const all = [...outcomes.values()];
    const report: WebKillReport = {
      seed: o.seed,
      rounds: o.rounds,
      requests: all.length,
      acknowledged: all.filter((x) => x.status === 200).length,
      cutOff: all.filter((x) => x.status === 0).length,
      cutOffButApplied: r.cutOffButApplied,
      inFlightAtKills,
      incidents: r.incidents,
      totalMs: Date.now() - t0,
    };
    expect(all.filter((x) => x.status !== 0 && x.status !== 200), "writes refused for other reasons").toEqual([]);
    log(`web kill loop report: ${JSON.stringify(report)}`);
    return report;
  } finally {
    if (web) await killWebHard(web).catch(() => {});
    await t.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Another process holding the write lock
// ---------------------------------------------------------------------------------------------

export interface BusyLockOptions {
  monitors: number;
  lockMs: number;
  warmupMs?: number;
  /** Measurements taken when the machine itself misses 50 ms outside the lock window (default 2). */
  maxAttempts?: number;
  log?: Log;
}

export interface BusyLockReport {
  monitors: number;
  lockMs: number;
  slots: number;
  /** Slots without a result anywhere in the run (the scheduler skips a slot whose previous check is still running). */
  missingSlots: number;
  missingSlotsAt: string[];
  slotsInLock: number;
  latenessP50InLock: number;
  latenessP99InLock: number;
  latenessMaxInLock: number;
  latenessP99Outside: number;
  writeRetries: number;
  totalMs: number;
}

function runLockHolder(file: string, ms: number): Promise<{ lockedAt: number; releasedAt: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["tests/helpers/sqlite-write-lock.mjs", file, String(ms)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      const locked = /locked (\d+)/.exec(out);
      const released = /released (\d+)/.exec(out);
      if (code !== 0 || !locked || !released) reject(new Error(`lock holder failed (${code}):\n${out}`));
      else resolve({ lockedAt: Number(locked[1]), releasedAt: Number(released[1]), output: out });
    });
  });
}

/**
 * The agent with `monitors` monitors at 1 s while another process holds the write lock for
 * `lockMs`. Asserts that no result is lost and that latenessMs p99 of the slots inside the lock
 * window is under 50 ms. On a shared machine the same agent can miss 50 ms without any lock (other
 * processes take the CPU): when the slots just outside the window missed it too, the measurement
 * says nothing about the lock, so it is taken once more; the threshold itself never moves.
 */
export async function runBusyLockScenario(o: BusyLockOptions): Promise<BusyLockReport & { attempts: BusyLockReport[] }> {
  const log = o.log ?? defaultLog;
  const attempts: BusyLockReport[] = [];
  for (;;) {
    const r = await busyLockAttempt(o);
    attempts.push(r);
    const machineTooBusy = r.latenessP99InLock >= 50 && r.latenessP99Outside >= 50;
    if (!machineTooBusy || attempts.length >= (o.maxAttempts ?? 2)) break;
    log(`lateness p99 was ${r.latenessP99Outside} ms outside the lock window as well: the machine is too busy to judge; measuring again`);
  }
  const last = attempts[attempts.length - 1];
  expect(last.latenessP99InLock, `latenessMs p99 of slots inside the lock window (outside it: ${last.latenessP99Outside} ms)`).toBeLessThan(50);
  return { ...last, attempts };
}

async function busyLockAttempt(o: BusyLockOptions): Promise<BusyLockReport> {
  const log = o.log ?? defaultLog;
  const t0 = Date.now();
  const t = await createTempDb();
  // Each monitor has its own path, so every probe that ran is counted by the target.
  const hits = new Map<string, number>();
  const target = await startHttp((req, res) => {
    hits.set(req.url ?? "", (hits.get(req.url ?? "") ?? 0) + 1);
    res.writeHead(200);
    res.end("ok");
  });
  let agent: AgentProcess | null = null;
  try {
    const monitors = Array.from({ length: o.monitors }, (_, i) => ({ slug: `busy-${i}`, name: `Busy ${i}`, kind: "http", url: `${target.url}/m/${i}`, interval: "1s", timeout: "500ms" }));
    const config = writeChaosConfig(t.dir, monitors, { group_window: "0s", remind_every: 0 });
    agent = await startBundledAgent(t.url, config);
    await agent.waitFor(/started in region/, 60_000);
    // Past the start (first incident pass, first batches) before the lock.
    await sleep(o.warmupMs ?? 4000);
    const lock = await runLockHolder(dbFile(t), o.lockMs);
    log(`write lock held for ${lock.releasedAt - lock.lockedAt} ms by another process`);
    await sleep(3000);
    agent.child.kill("SIGTERM");
    expect(await agent.exited, "agent exits cleanly").toBe(0);
    const output = agent.output();
    agent = null;
    await integrityOk(t.db);

    const all = await t.db.checkResult.findMany({ orderBy: { slot: "asc" }, select: { monitorId: true, slot: true, latenessMs: true, monitor: { select: { slug: true } } } });
    const bySlug = new Map<string, typeof all>();
    for (const r of all) bySlug.set(r.monitor.slug, [...(bySlug.get(r.monitor.slug) ?? []), r]);
    expect(bySlug.size, "every monitor has results").toBe(o.monitors);
    const lost: string[] = [];
    const gapsInWindow: string[] = [];
    const gapsAnywhere: string[] = [];
    for (let i = 0; i < o.monitors; i++) {
      const rows = bySlug.get(`busy-${i}`) ?? [];
      // Every probe that ran left its result.
      const ran = hits.get(`/m/${i}`) ?? 0;
      if (rows.length !== ran) lost.push(`busy-${i}: ${ran} probes, ${rows.length} results`);
      const first = rows[0].slot.getTime();
      const last = rows[rows.length - 1].slot.getTime();
      expect(first, "results before the lock").toBeLessThan(lock.lockedAt);
      expect(last, "results after the lock").toBeGreaterThan(lock.releasedAt);
      const have = new Set(rows.map((r) => r.slot.getTime()));
      for (let slot = first; slot <= last; slot += 1000) {
        if (have.has(slot)) continue;
        const at = `busy-${i} slot ${slot - lock.lockedAt > 0 ? "+" : ""}${slot - lock.lockedAt} ms from the lock`;
        gapsAnywhere.push(at);
        if (slot >= lock.lockedAt - 2000) gapsInWindow.push(at);
      }
    }
    if (lost.length) log(`lost: ${lost.join("; ")}\n${output}`);
    expect(lost, "probes whose result was lost").toEqual([]);
    expect(gapsInWindow, "slots missing from 2 s before the lock to the end").toEqual([]);
    const inLock = all.filter((r) => r.slot.getTime() >= lock.lockedAt && r.slot.getTime() <= lock.releasedAt).map((r) => r.latenessMs);
    const outside = all.filter((r) => r.slot.getTime() >= lock.lockedAt - 4000 && (r.slot.getTime() < lock.lockedAt || r.slot.getTime() > lock.releasedAt)).map((r) => r.latenessMs);
    const report: BusyLockReport = {
      monitors: o.monitors,
      lockMs: lock.releasedAt - lock.lockedAt,
      slots: all.length,
      missingSlots: gapsAnywhere.length,
      missingSlotsAt: gapsAnywhere,
      slotsInLock: inLock.length,
      latenessP50InLock: percentile(inLock, 0.5),
      latenessP99InLock: percentile(inLock, 0.99),
      latenessMaxInLock: Math.max(...inLock),
      latenessP99Outside: percentile(outside, 0.99),
      writeRetries: (output.match(/result write failed/g) ?? []).length,
      totalMs: Date.now() - t0,
    };
    log(`busy lock report: ${JSON.stringify(report)}`);
    if (process.env.CHAOS_DEBUG) {
      const perSecond = new Map<number, number[]>();
      for (const r of all) {
        const sec = Math.floor((r.slot.getTime() - lock.lockedAt) / 1000);
        perSecond.set(sec, [...(perSecond.get(sec) ?? []), Math.round(r.latenessMs)]);
      }
      log([...perSecond].sort((a, b) => a[0] - b[0]).map(([sec, l]) => `${sec}s: max ${Math.max(...l)} n ${l.length} [${l.sort((a, b) => b - a).slice(0, 5)}]`).join("\n"));
      log(output);
    }
    expect(report.slotsInLock, "slots inside the lock window").toBeGreaterThanOrEqual(o.monitors * Math.floor(o.lockMs / 1000 - 1));
    expect(report.writeRetries, "the writer met the lock and retried").toBeGreaterThan(0);
    return report;
  } finally {
    if (agent && agent.child.exitCode === null) {
      agent.child.kill("SIGKILL");
      await agent.exited;
    }
    await target.close();
    await t.cleanup();
  }
}
