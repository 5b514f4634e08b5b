import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import type { IncidentPolicy } from "./incident-policy";
import { placeFailure, allRecovered, type OpenIncidentView } from "./incident-grouping";
import { automaticTitle, impactOfMonitorStatus, worstImpact } from "./incident-lifecycle";
import { enqueueEvent } from "../notify/enqueue-event";
import { incidentEvent } from "../notify/event-builders";
import { ADVISORY_LOCKS, lockForTransaction } from "../regions/advisory-lock";

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
  /** More changes are waiting than one pass takes. */
  more: boolean;
}

/** One pass handles at most this many changes, so a storm is cut into slices the event loop can breathe between. */
export const DEFAULT_BATCH = 25;

/**
 * Turns confirmed state changes into incidents. A pass claims a slice of changes and acts on all
 * of them in one transaction (handledAt is set with their effects and the notifications they
 * queue), so a crash at any point neither loses an incident nor opens one twice. Within a pass,
 * everything that happens to one incident becomes one update and one notification: a thousand
 * monitors failing together make one incident and a handful of messages, not a thousand.
 */
export async function handleStateChanges(db: Db, policy: IncidentPolicy, opts: { now?: () => Date; env?: Env; batch?: number } = {}): Promise<AutomationReport> {
  const now = (opts.now ?? (() => new Date()))();
  const batch = opts.batch ?? DEFAULT_BATCH;
  const report: AutomationReport = { handled: 0, opened: [], joined: [], resolved: [], more: false };
  const changes = await db.stateChange.findMany({
    where: { handledAt: null },
    orderBy: { id: "asc" },
    take: batch,
    select: { id: true, monitorId: true, fromStatus: true, toStatus: true, at: true, reason: true, monitor: { select: { name: true, showTarget: true } } },
  });
  if (!changes.length) return report;
  const done = await db
    .$transaction(
      async (tx) => {
        // Agents in several regions run this at once: one pass at a time, so failures that
        // belong together are grouped into one incident.
        await lockForTransaction(tx, ADVISORY_LOCKS.incidentAutomation);
        const claimed = await tx.stateChange.updateMany({ where: { id: { in: changes.map((c) => c.id) }, handledAt: null }, data: { handledAt: now } });
        // Another process took some of them first: leave the slice to it and read again next time.
        if (claimed.count !== changes.length) throw new ClaimLost();
        const pass = new AutomationPass(tx, policy, now, opts.env);
        await pass.load();
        for (const c of changes) await pass.apply(c);
        await pass.finish();
        return pass.report;
      },
      { timeout: 60_000 },
    )
    .catch((e) => {
      if (e instanceof ClaimLost) return null;
      throw e;
    });
  if (!done) return report;
  return { ...done, handled: changes.length, more: changes.length === batch };
}

class ClaimLost extends Error {}

interface Member {
  name: string;
  impact: string;
  recovered: boolean;
}

interface IncidentModel {
  id: number;
  auto: boolean;
  startedAt: number;
  title: string;
  status: string;
  impact: string;
  members: Map<number, Member>;
  /** Opened in this pass: its first update and "opened" event are written at the end. */
  created: boolean;
  /** Titles automation may rewrite: the one it wrote, for the members it had. */
  generatedTitle: boolean;
  /** What happened to it in this pass, one line each, for its one update. */
  lines: string[];
  resolvedInPass: boolean;
}

function describeChange(change: Change): string {
  const what = change.toStatus === "down" ? "is not responding as expected" : "is degraded";
  // Error texts can name internal hosts; they are public only for monitors that show their target.
  const reason = change.monitor.showTarget && change.reason ? ` (${change.reason})` : "";
  return `${change.monitor.name} ${what} since ${change.at.toISOString()}${reason}`;
}

/** A list of lines for one update; a storm of them is summarised, not pasted whole. */
function summarise(lines: string[], max = 10): string {
  const shown = lines.slice(0, max).map((l) => `- ${l}`);
  if (lines.length > max) shown.push(`- and ${lines.length - max} more`);
  return shown.join("\n");
}

class AutomationPass {
  readonly report: AutomationReport = { handled: 0, opened: [], joined: [], resolved: [], more: false };
  private incidents = new Map<number, IncidentModel>();

  constructor(
    private readonly tx: Tx,
    private readonly policy: IncidentPolicy,
    private readonly now: Date,
    private readonly env?: Env,
  ) {}

  async load(): Promise<void> {
    const rows = await this.tx.incident.findMany({
      where: { resolvedAt: null },
      select: { id: true, auto: true, startedAt: true, title: true, status: true, impact: true, monitors: { select: { monitorId: true, impact: true, recoveredAt: true, monitor: { select: { name: true } } } } },
    });
    for (const r of rows) {
      const members = new Map(r.monitors.map((m) => [m.monitorId, { name: m.monitor.name, impact: m.impact, recovered: m.recoveredAt !== null }]));
      this.incidents.set(r.id, {
        id: r.id,
        auto: r.auto,
        startedAt: r.startedAt.getTime(),
        title: r.title,
        status: r.status,
        impact: r.impact,
        members,
        created: false,
        generatedTitle: r.auto && isGeneratedTitle(r.title, [...members.values()].map((m) => m.name)),
        lines: [],
        resolvedInPass: false,
      });
    }
  }

  private views(): OpenIncidentView[] {
    return [...this.incidents.values()]
      .filter((i) => !i.resolvedInPass)
      .map((i) => ({ id: i.id, auto: i.auto, startedAt: i.startedAt, monitors: new Map([...i.members].map(([id, m]) => [id, m.recovered])) }));
  }

  async apply(change: Change): Promise<void> {
    if (change.toStatus === "down" || change.toStatus === "degraded") await this.onFailure(change);
    else if (change.toStatus === "up") await this.onRecovery(change);
  }

  private async onFailure(change: Change): Promise<void> {
    const impact = impactOfMonitorStatus(change.toStatus);
    const placement = placeFailure(change.monitorId, change.at.getTime(), this.views(), this.policy.groupWindowMs);
    if (placement.kind === "open") {
      const row = await this.tx.incident.create({
        data: { title: automaticTitle([change.monitor.name], change.toStatus === "down" ? "down" : "degraded"), status: "investigating", impact, auto: true, startedAt: change.at, monitors: { create: { monitorId: change.monitorId, impact } } },
      });
      this.incidents.set(row.id, {
        id: row.id,
        auto: true,
        startedAt: change.at.getTime(),
        title: row.title,
        status: "investigating",
        impact,
        members: new Map([[change.monitorId, { name: change.monitor.name, impact, recovered: false }]]),
        created: true,
        generatedTitle: true,
        lines: [describeChange(change)],
        resolvedInPass: false,
      });
      this.report.opened.push(row.id);
      return;
    }
    const inc = this.incidents.get(placement.incidentId)!;
    const member = inc.members.get(change.monitorId);
    const worse = worstImpact([member?.impact ?? "none", impact]);
    if (placement.kind === "already" && member && worse === member.impact) return;
    if (member) {
      await this.tx.incidentMonitor.update({ where: { incidentId_monitorId: { incidentId: inc.id, monitorId: change.monitorId } }, data: { impact: worse, recoveredAt: null } });
      member.impact = worse;
      member.recovered = false;
    } else {
      await this.tx.incidentMonitor.create({ data: { incidentId: inc.id, monitorId: change.monitorId, impact } });
      inc.members.set(change.monitorId, { name: change.monitor.name, impact, recovered: false });
      if (!this.report.joined.includes(inc.id)) this.report.joined.push(inc.id);
    }
    // A relapse while waiting in "monitoring" sends the incident back to investigation.
    if (placement.kind === "relapse" && inc.status === "monitoring") inc.status = "investigating";
    const verb = placement.kind === "relapse" ? "failing again" : placement.kind === "join" ? "also affected" : "now worse";
    inc.lines.push(`${describeChange(change)} (${verb})`);
  }

  private async onRecovery(change: Change): Promise<void> {
    for (const inc of this.incidents.values()) {
      const member = inc.members.get(change.monitorId);
      if (!member || member.recovered || inc.resolvedInPass) continue;
      await this.tx.incidentMonitor.update({ where: { incidentId_monitorId: { incidentId: inc.id, monitorId: change.monitorId } }, data: { recoveredAt: change.at } });
      member.recovered = true;
      // Incidents a maintainer opened are closed by a maintainer.
      if (!inc.auto) continue;
      const states = new Map([...inc.members].map(([id, m]) => [id, m.recovered]));
      if (!allRecovered(states)) continue;
      const names = namesOf(inc);
      const are = inc.members.size === 1 ? "is" : "are";
      if (this.policy.onRecovery === "resolve") {
        // Write what the pass gathered first, so the timeline reads in order.
        await this.writeUpdate(inc);
        inc.status = "resolved";
        inc.resolvedInPass = true;
        await this.tx.incident.update({ where: { id: inc.id }, data: { status: "resolved", resolvedAt: change.at, impact: inc.impact, title: inc.title } });
        const update = await this.tx.incidentUpdate.create({ data: { incidentId: inc.id, status: "resolved", body: `Automatic: ${names} ${are} operating normally again since ${change.at.toISOString()}.`, createdAt: this.now } });
        this.report.resolved.push(inc.id);
        await this.queue(inc.id, "incident.resolved", update.id);
      } else if (inc.status !== "monitoring") {
        inc.status = "monitoring";
        inc.lines.push(`${names} ${are} back since ${change.at.toISOString()}; waiting for a maintainer to resolve`);
      }
    }
  }

  /** Titles, impacts and one update (plus its notification) per incident this pass touched. */
  async finish(): Promise<void> {
    for (const inc of this.incidents.values()) {
      if (inc.resolvedInPass) continue;
      if (inc.created || inc.lines.length) await this.writeUpdate(inc);
    }
  }

  private async writeUpdate(inc: IncidentModel): Promise<void> {
    if (!inc.lines.length && !inc.created) return;
    const members = [...inc.members.values()];
    if (inc.impact !== "critical") inc.impact = worstImpact(members.map((m) => m.impact));
    if (inc.generatedTitle) inc.title = automaticTitle(members.map((m) => m.name), members.some((m) => m.impact === "major" || m.impact === "critical") ? "down" : "degraded");
    await this.tx.incident.update({ where: { id: inc.id }, data: { title: inc.title, impact: inc.impact, status: inc.status } });
    const body = inc.lines.length === 1 ? `Automatic: ${inc.lines[0]}.` : `Automatic:\n\n${summarise(inc.lines)}`;
    const update = await this.tx.incidentUpdate.create({ data: { incidentId: inc.id, status: inc.status, body, createdAt: this.now } });
    inc.lines = [];
    if (inc.created) {
      inc.created = false;
      await enqueueEvent(this.tx, { ...(await incidentEvent(this.tx, inc.id, "incident.opened", this.now, {}, this.env)), ackIncidentId: inc.id }, this.now, this.env);
    } else {
      await this.queue(inc.id, "incident.updated", update.id);
    }
  }

  private async queue(incidentId: number, type: "incident.updated" | "incident.resolved", updateId: number): Promise<void> {
    await enqueueEvent(this.tx, await incidentEvent(this.tx, incidentId, type, this.now, { updateId }, this.env), this.now, this.env);
  }
}

function namesOf(inc: IncidentModel): string {
  const names = [...inc.members.values()].map((m) => m.name);
  return names.length <= 5 ? names.join(", ") : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
}

function isGeneratedTitle(title: string, names: string[]): boolean {
  return title === automaticTitle(names, "down") || title === automaticTitle(names, "degraded");
}
