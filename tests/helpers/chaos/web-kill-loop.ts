import { expect } from "vitest";
import { createTempDb } from "../temp-db";
import { startWeb } from "../web-process";
import type { Db } from "@/monitors/store/client";
import { createSession, SESSION_COOKIE } from "@/monitors/auth/sessions";
import { type Log, defaultLog, seededRandom, sleep } from "./common";
import { integrityOk } from "./store-invariants";

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

export async function checkWebWrites(
  db: Db,
  targetsPerIncident: number,
  outcomes: Map<string, { status: number; id?: number }>,
): Promise<{ incidents: number; cutOffButApplied: number }> {
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
    else if ((a[0].details as { title?: string } | null)?.title !== inc.title)
      problems.push(`incident ${inc.id}: audit row names ${JSON.stringify(a[0].details)}`);
    if (outboxOf.get(`incident.opened:${inc.id}`) !== targetsPerIncident)
      problems.push(`incident ${inc.id}: ${outboxOf.get(`incident.opened:${inc.id}`) ?? 0} outbox rows, want ${targetsPerIncident}`);
  }
  for (const u of updates) if (!ids.has(u.incidentId)) problems.push(`orphan updates of incident ${u.incidentId}`);
  for (const target of auditsOf.keys())
    if (!ids.has(Number(target.replace(/^incident:/, "")))) problems.push(`orphan audit row for ${target}`);
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
    if (outcome && outcome.status !== 0 && outcome.status !== 200)
      problems.push(`request ${JSON.stringify(title)} answered ${outcome.status} but its incident exists`);
  }
  for (const [title, outcome] of outcomes) {
    if (outcome.status !== 200) continue;
    const found = byTitle.get(title) ?? [];
    if (found.length !== 1 || found[0] !== outcome.id)
      problems.push(`acknowledged request ${JSON.stringify(title)} (incident ${outcome.id}) left ${JSON.stringify(found)}`);
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
    const user = await t.db.user.create({
      data: { email: "maintainer@example.com", role: "responder", passwordHash: "unused: the session is made directly" },
    });
    const { token } = await createSession(t.db, user.id);
    // Two targets per incident: outbox rows are part of the write.
    await t.db.notificationChannel.create({
      data: { name: "hook", kind: "webhook", config: { url: "http://127.0.0.1:9/", secret: "x".repeat(32) } },
    });
    await t.db.subscriber.create({
      data: { email: "reader@example.com", confirmedAt: new Date(), unsubscribeTokenHash: "chaos-unsubscribe" },
    });
    const env = { PUBLIC_URL: "", APP_SECRET: "chaos-app-secret-0123456789abcdef" };
    web = await startWeb(t.url, env);
    const outcomes = new Map<string, { status: number; id?: number }>();
    /** One incident.create as a maintainer's browser sends it; the outcome stays status 0 until an answer arrives. */
    const post = async (w: Web, title: string) => {
      outcomes.set(title, { status: 0 });
      const r = await fetch(`${w.url}/admin/api/incident.create`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-status-request": "1", origin: w.url, cookie: `${SESSION_COOKIE}=${token}` },
        body: JSON.stringify({
          title,
          status: "investigating",
          impact: "minor",
          body: `Crash test: ${title}.`,
          startedAt: "",
          monitors: {},
        }),
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
      if (last?.id)
        expect((await fetch(`${web.url}/incidents/${last.id}`)).status, "a committed incident's page after the restart").toBe(200);
      log(
        `web round ${round}/${o.rounds}: killed with ${inFlightAtKills[round - 1]} writes in flight; ${incidents} incidents, ${cutOffButApplied} applied without an answer so far`,
      );
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
    expect(
      all.filter((x) => x.status !== 0 && x.status !== 200),
      "writes refused for other reasons",
    ).toEqual([]);
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
