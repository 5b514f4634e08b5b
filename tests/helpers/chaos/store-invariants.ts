import { expect } from "vitest";
import type { Db } from "@/monitors/store/client";
import { bucketStart, RESOLUTIONS } from "@/monitors/core/buckets";
import { num } from "./common";

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
  expect(
    integrity.map((r) => Object.values(r)[0]),
    "PRAGMA integrity_check",
  ).toEqual(["ok"]);
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
  const twice = await db.$queryRawUnsafe<unknown[]>(
    `SELECT "monitorId", "region", "slot", COUNT(*) AS n FROM "CheckResult" GROUP BY 1, 2, 3 HAVING n > 1`,
  );
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
      for (const [i, c] of counts.entries()) acc[i] += c;
      expected.set(key, acc);
    }
  }
  const rollups = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT "monitorId" AS m, "resolution" AS r, "bucket" AS b, "up", "degraded", "down", "maintenance", "latencyCount" FROM "Rollup"`,
  );
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
  const stateProblems = stateVsResults
    .filter((r) => num(r.lastSlot) !== num(r.maxSlot))
    .map((r) => `monitor ${r.m}: state lastSlot ${num(r.lastSlot)}, last result ${num(r.maxSlot)}`);
  expect(stateProblems, "monitor states out of step with their results").toEqual([]);
  const statusOf = new Map(stateVsResults.map((r) => [Number(r.m), String(r.status)]));

  // State changes: one chain per monitor, each change starting where the last one ended.
  const changes = await db.stateChange.findMany({
    orderBy: { id: "asc" },
    select: { id: true, monitorId: true, fromStatus: true, toStatus: true, at: true, handledAt: true },
  });
  const byMonitor = new Map<number, typeof changes>();
  for (const c of changes) byMonitor.set(c.monitorId, [...(byMonitor.get(c.monitorId) ?? []), c]);
  const chainProblems: string[] = [];
  for (const [m, list] of byMonitor) {
    if (list[0].fromStatus !== "unknown") chainProblems.push(`monitor ${m}: first change starts from ${list[0].fromStatus}`);
    for (let i = 1; i < list.length; i++) {
      if (list[i].fromStatus !== list[i - 1].toStatus)
        chainProblems.push(
          `monitor ${m}: change ${list[i].id} ${list[i].fromStatus}->${list[i].toStatus} follows ${list[i - 1].fromStatus}->${list[i - 1].toStatus}`,
        );
      if (list[i].at <= list[i - 1].at) chainProblems.push(`monitor ${m}: change ${list[i].id} is not later than change ${list[i - 1].id}`);
    }
    const last = list[list.length - 1];
    if (statusOf.get(m) !== last.toStatus)
      chainProblems.push(`monitor ${m}: state ${statusOf.get(m)} but last change went to ${last.toStatus}`);
  }
  for (const [m, status] of statusOf)
    if (!byMonitor.has(m) && status !== "unknown") chainProblems.push(`monitor ${m}: state ${status} without a state change`);
  expect(chainProblems, "state change chains").toEqual([]);

  // Changes are handled in order: the handled ones are a prefix.
  const handled = changes.filter((c) => c.handledAt);
  const unhandled = changes.filter((c) => !c.handledAt);
  if (handled.length && unhandled.length)
    expect(handled[handled.length - 1].id, "state changes handled in order").toBeLessThan(unhandled[0].id);

  // Incidents.
  const incidents = await db.incident.findMany({
    orderBy: { id: "asc" },
    select: {
      id: true,
      auto: true,
      startedAt: true,
      resolvedAt: true,
      monitors: { select: { monitorId: true, recoveredAt: true } },
      updates: { select: { id: true, status: true }, orderBy: { id: "asc" } },
    },
  });
  const incidentProblems: string[] = [];
  const unresolvedOf = new Map<number, number[]>();
  const openedAt = new Map<string, number[]>();
  for (const inc of incidents) {
    const ms = inc.monitors.map((x) => x.monitorId);
    if (new Set(ms).size !== ms.length) incidentProblems.push(`incident ${inc.id}: a monitor twice`);
    if (!inc.updates.length) incidentProblems.push(`incident ${inc.id}: no update`);
    if (inc.auto && inc.updates[0]?.status !== "investigating")
      incidentProblems.push(`incident ${inc.id}: first update is ${inc.updates[0]?.status}`);
    if (inc.auto && inc.resolvedAt && inc.updates.filter((u) => u.status === "resolved").length !== 1)
      incidentProblems.push(`incident ${inc.id}: resolved without exactly one resolved update`);
    for (const m of ms) {
      if (!inc.resolvedAt) unresolvedOf.set(m, [...(unresolvedOf.get(m) ?? []), inc.id]);
      const key = `${m}@${inc.startedAt.getTime()}`;
      openedAt.set(key, [...(openedAt.get(key) ?? []), inc.id]);
    }
  }
  for (const [m, ids] of unresolvedOf)
    if (ids.length > 1) incidentProblems.push(`monitor ${m} is in ${ids.length} unresolved incidents: ${ids}`);
  for (const [key, ids] of openedAt) if (ids.length > 1) incidentProblems.push(`failure ${key} has ${ids.length} incidents: ${ids}`);
  // Every handled failure belongs to an incident that was open at that time.
  for (const c of handled) {
    if (c.toStatus !== "down" && c.toStatus !== "degraded") continue;
    const home = incidents.find(
      (i) => i.monitors.some((x) => x.monitorId === c.monitorId) && i.startedAt <= c.at && (!i.resolvedAt || i.resolvedAt > c.at),
    );
    if (!home)
      incidentProblems.push(
        `state change ${c.id} (monitor ${c.monitorId} ${c.fromStatus}->${c.toStatus} at ${c.at.toISOString()}) has no incident`,
      );
  }
  // Where each monitor stands after its last handled change.
  const lastHandled = new Map<number, (typeof changes)[number]>();
  for (const c of handled) lastHandled.set(c.monitorId, c);
  for (const [m, c] of lastHandled) {
    const failingIn = incidents
      .filter((i) => !i.resolvedAt && i.monitors.some((x) => x.monitorId === m && !x.recoveredAt))
      .map((i) => i.id);
    const failing = c.toStatus === "down" || c.toStatus === "degraded";
    if (failing && failingIn.length !== 1)
      incidentProblems.push(`monitor ${m} last went ${c.toStatus} but is failing in ${failingIn.length} open incidents`);
    if (!failing && failingIn.length)
      incidentProblems.push(`monitor ${m} last went ${c.toStatus} but is still failing in incidents ${failingIn}`);
  }
  expect(incidentProblems, "incidents").toEqual([]);

  // Exactly the notifications these incidents call for, one row each (one channel, no subscribers).
  const wanted = new Set<string>();
  for (const inc of incidents) {
    wanted.add(`incident.opened:${inc.id}`);
    if (inc.resolvedAt) wanted.add(`incident.resolved:${inc.id}`);
    for (const u of inc.updates.slice(1)) if (u.status !== "resolved") wanted.add(`incident.updated:${u.id}`);
  }
  const outbox = await db.outbox.findMany({ orderBy: { id: "asc" }, select: { id: true, eventKey: true, target: true, status: true } });
  expect(
    outbox.filter((o) => o.target !== `channel:${channelId}`),
    "outbox rows for other targets",
  ).toEqual([]);
  const keys = outbox.map((o) => o.eventKey);
  expect(new Set(keys).size, "an event queued twice").toBe(keys.length);
  expect([...keys].sort(), "outbox rows == the notifications the incidents call for").toEqual([...wanted].sort());
  expect(
    outbox.filter((o) => o.status === "failed"),
    "failed deliveries",
  ).toEqual([]);
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
