import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import type { IncidentPolicy } from "./incident-policy";
import { placeFailure, allRecovered, type OpenIncidentView } from "./incident-grouping";
import { automaticTitle, impactOfMonitorStatus, worstImpact } from "./incident-lifecycle";
import { enqueueEvent } from "../notify/enqueue-event";
import { incidentEvent } from "../notify/event-builders";

type Tx = Prisma.TransactionClient;

interface Change {
  id: number;
  monitorId: number;
  fromStatus: string;
  toStatus: string;
  at: Date;
  reason: string | null;
  monitor: { name: string; showTarget: boolean };
}

export interface AutomationReport {
  handled: number;
  opened: number[];
  joined: number[];
  resolved: number[];
}

/**
 * Turns confirmed state changes into incidents. Each change is claimed and acted on in one
 * transaction (handledAt is set with its effects and the notifications they queue), so a crash
 * at any point neither loses an incident nor opens one twice.
 */
export async function handleStateChanges(db: Db, policy: IncidentPolicy, opts: { now?: () => Date; env?: Env; batch?: number } = {}): Promise<AutomationReport> {
  const now = opts.now ?? (() => new Date());
  const report: AutomationReport = { handled: 0, opened: [], joined: [], resolved: [] };
  const changes = await db.stateChange.findMany({
    where: { handledAt: null },
    orderBy: { id: "asc" },
    take: opts.batch ?? 200,
    select: { id: true, monitorId: true, fromStatus: true, toStatus: true, at: true, reason: true, monitor: { select: { name: true, showTarget: true } } },
  });
  for (const change of changes) {
    await db.$transaction(async (tx) => {
      const claimed = await tx.stateChange.updateMany({ where: { id: change.id, handledAt: null }, data: { handledAt: now() } });
      if (claimed.count !== 1) return;
      report.handled += 1;
      if (change.toStatus === "down" || change.toStatus === "degraded") await onFailure(tx, change, policy, now(), report, opts.env);
      else if (change.toStatus === "up") await onRecovery(tx, change, policy, now(), report, opts.env);
    });
  }
  return report;
}

async function openIncidents(tx: Tx): Promise<OpenIncidentView[]> {
  const rows = await tx.incident.findMany({ where: { resolvedAt: null }, select: { id: true, auto: true, startedAt: true, monitors: { select: { monitorId: true, recoveredAt: true } } } });
  return rows.map((r) => ({ id: r.id, auto: r.auto, startedAt: r.startedAt.getTime(), monitors: new Map(r.monitors.map((m) => [m.monitorId, m.recoveredAt !== null])) }));
}

function describeChange(change: Change): string {
  const what = change.toStatus === "down" ? "is not responding as expected" : "is degraded";
  // Error texts can name internal hosts; they are public only for monitors that show their target.
  const reason = change.monitor.showTarget && change.reason ? ` (${change.reason})` : "";
  return `Automatic: ${change.monitor.name} ${what} since ${change.at.toISOString()}${reason}.`;
}

async function onFailure(tx: Tx, change: Change, policy: IncidentPolicy, now: Date, report: AutomationReport, env?: Env): Promise<void> {
  const impact = impactOfMonitorStatus(change.toStatus);
  const placement = placeFailure(change.monitorId, change.at.getTime(), await openIncidents(tx), policy.groupWindowMs);
  if (placement.kind === "open") {
    const inc = await tx.incident.create({
      data: {
        title: automaticTitle([change.monitor.name], change.toStatus === "down" ? "down" : "degraded"),
        status: "investigating",
        impact,
        auto: true,
        startedAt: change.at,
        monitors: { create: { monitorId: change.monitorId, impact } },
        updates: { create: { status: "investigating", body: describeChange(change), createdAt: now } },
      },
    });
    report.opened.push(inc.id);
    await enqueueEvent(tx, { ...(await incidentEvent(tx, inc.id, "incident.opened", now, {}, env)), ackIncidentId: inc.id }, now, env);
    return;
  }
  const incidentId = placement.incidentId;
  const inc = await tx.incident.findUniqueOrThrow({ where: { id: incidentId }, include: { monitors: { include: { monitor: { select: { name: true } } } } } });
  const member = inc.monitors.find((m) => m.monitorId === change.monitorId);
  if (placement.kind === "already" && member && worstImpact([member.impact, impact]) === member.impact) return;
  if (member) await tx.incidentMonitor.update({ where: { incidentId_monitorId: { incidentId, monitorId: change.monitorId } }, data: { impact: worstImpact([member.impact, impact]), recoveredAt: null } });
  else await tx.incidentMonitor.create({ data: { incidentId, monitorId: change.monitorId, impact } });
  const impacts = inc.monitors.filter((m) => m.monitorId !== change.monitorId).map((m) => m.impact).concat(worstImpact([member?.impact ?? "none", impact]));
  const names = [...inc.monitors.map((m) => m.monitor.name), ...(member ? [] : [change.monitor.name])];
  const data: Prisma.IncidentUpdateInput = { impact: inc.impact === "critical" ? "critical" : worstImpact(impacts) };
  // Keep a maintainer's own title; refresh the one automation wrote.
  const oldNames = inc.monitors.map((m) => m.monitor.name);
  if (inc.auto && (inc.title === automaticTitle(oldNames, "down") || inc.title === automaticTitle(oldNames, "degraded"))) {
    data.title = automaticTitle(names, impacts.includes("major") ? "down" : "degraded");
  }
  // A relapse while waiting in "monitoring" sends the incident back to investigation.
  const status = placement.kind === "relapse" && inc.status === "monitoring" ? "investigating" : inc.status;
  data.status = status;
  await tx.incident.update({ where: { id: incidentId }, data });
  const verb = placement.kind === "relapse" ? "failing again" : placement.kind === "join" ? "also affected" : "now worse";
  const update = await tx.incidentUpdate.create({ data: { incidentId, status, body: `${describeChange(change)} (${verb})`, createdAt: now } });
  if (placement.kind === "join") report.joined.push(incidentId);
  await enqueueEvent(tx, await incidentEvent(tx, incidentId, "incident.updated", now, { updateId: update.id }, env), now, env);
}

async function onRecovery(tx: Tx, change: Change, policy: IncidentPolicy, now: Date, report: AutomationReport, env?: Env): Promise<void> {
  const memberships = await tx.incidentMonitor.findMany({ where: { monitorId: change.monitorId, recoveredAt: null, incident: { resolvedAt: null } }, select: { incidentId: true } });
  for (const { incidentId } of memberships) {
    await tx.incidentMonitor.update({ where: { incidentId_monitorId: { incidentId, monitorId: change.monitorId } }, data: { recoveredAt: change.at } });
    const inc = await tx.incident.findUniqueOrThrow({ where: { id: incidentId }, include: { monitors: { include: { monitor: { select: { name: true } } } } } });
    // Incidents a maintainer opened are closed by a maintainer.
    if (!inc.auto) continue;
    const states = new Map(inc.monitors.map((m) => [m.monitorId, m.recoveredAt !== null]));
    if (!allRecovered(states)) continue;
    const names = inc.monitors.map((m) => m.monitor.name).join(", ");
    if (policy.onRecovery === "resolve") {
      await tx.incident.update({ where: { id: incidentId }, data: { status: "resolved", resolvedAt: change.at } });
      await tx.incidentUpdate.create({ data: { incidentId, status: "resolved", body: `Automatic: ${names} ${inc.monitors.length === 1 ? "is" : "are"} operating normally again since ${change.at.toISOString()}.`, createdAt: now } });
      report.resolved.push(incidentId);
      await enqueueEvent(tx, await incidentEvent(tx, incidentId, "incident.resolved", now, {}, env), now, env);
    } else if (inc.status !== "monitoring") {
      await tx.incident.update({ where: { id: incidentId }, data: { status: "monitoring" } });
      const update = await tx.incidentUpdate.create({ data: { incidentId, status: "monitoring", body: `Automatic: ${names} ${inc.monitors.length === 1 ? "is" : "are"} back since ${change.at.toISOString()}; waiting for a maintainer to resolve.`, createdAt: now } });
      await enqueueEvent(tx, await incidentEvent(tx, incidentId, "incident.updated", now, { updateId: update.id }, env), now, env);
    }
  }
}
