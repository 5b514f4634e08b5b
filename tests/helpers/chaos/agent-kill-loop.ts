import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { expect } from "vitest";
import { createTempDb } from "../temp-db";
import { startHttp } from "../loopback";
import type { AgentProcess } from "../agent-process";
import { verifyWebhookSignature } from "@/monitors/notify/webhook";
import { CORRUPTION, type Log, defaultLog, seededRandom, sleep, startBundledAgent } from "./common";
import { checkStoreInvariants } from "./store-invariants";

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
    const receipt: Receipt = {
      id: String(req.headers["x-status-delivery"] ?? ""),
      type: String(req.headers["x-status-event"] ?? ""),
      at: Date.now(),
      complete: false,
      signatureOk: false,
    };
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
      setTimeout(
        () => {
          finish();
          if (!res.destroyed) {
            res.writeHead(200, { "content-type": "text/plain" });
            res.end("ok");
          }
        },
        delayMs[0] + rng() * (delayMs[1] - delayMs[0]),
      );
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
export function writeChaosConfig(
  dir: string,
  monitors: Array<Record<string, unknown>>,
  incidents: Record<string, unknown>,
  name = "chaos.yaml",
): string {
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
    const channel = await t.db.notificationChannel.create({
      data: { name: "slow-hook", kind: "webhook", config: { url: `${receiver.url}/hook`, secret: WEBHOOK_SECRET } },
    });
    const monitors: Array<Record<string, unknown>> = [];
    for (let i = 0; i < o.monitors; i++) {
      const slug = `chaos-${String(i).padStart(3, "0")}`;
      let path = "/ok";
      const [lo, hi] = o.flapHalfPeriodMs ?? [2000, 3500];
      if (i < o.flapping) path = `/flap/${lo + Math.floor(rng() * (hi - lo))}/${Math.floor(rng() * 10_000)}`;
      else if (i < o.flapping + o.steadyDown) path = "/down";
      monitors.push({
        slug,
        name: `Chaos ${i}`,
        group: "Chaos",
        kind: "http",
        url: `${target.url}${path}`,
        interval: "1s",
        timeout: "500ms",
      });
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
      const pending = fromThisRun.length
        ? await t.db.outbox.findMany({ where: { status: "pending", eventKey: { in: fromThisRun } }, select: { eventKey: true } })
        : [];
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
      if (Date.now() > deadline)
        throw new Error(
          `the last run did not settle within ${o.finalTimeoutMs} ms: ${JSON.stringify(state)}\n${agent.output().slice(-4000)}`,
        );
      await sleep(500);
    }
    agent.child.kill("SIGTERM");
    expect(await agent.exited, "the last run exits cleanly on SIGTERM").toBe(0);
    watchOutput(agent, "last run");
    agent = null;
    const finalMs = Date.now() - finalStart;
    await sleep(150);

    const s = await checkStoreInvariants(t.db, channel.id, receiver.seen());
    const outbox = await t.db.outbox.findMany({
      orderBy: { id: "asc" },
      select: { id: true, eventKey: true, status: true, attempts: true },
    });
    const changes = await t.db.stateChange.findMany({ select: { toStatus: true, handledAt: true } });
    expect(
      changes.filter((c) => !c.handledAt),
      "state changes left unhandled",
    ).toEqual([]);
    expect(
      outbox.filter((r) => r.status !== "delivered"),
      "outbox rows not delivered",
    ).toEqual([]);
    const seen = receiver.seen();
    expect(
      outbox.filter((r) => !seen.has(r.eventKey)).map((r) => r.eventKey),
      "outbox rows the receiver never saw",
    ).toEqual([]);
    const known = new Set(outbox.map((r) => r.eventKey));
    expect(
      [...seen].filter((id) => !known.has(id)),
      "deliveries of events that are not in the outbox",
    ).toEqual([]);
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
