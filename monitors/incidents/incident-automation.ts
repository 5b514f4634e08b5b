import type { Db, Tx } from "../store/client";
import type { Env } from "../config/secrets";
import type { IncidentPolicy } from "../config/incident-policy";
import { placeFailure, allRecovered, type OpenIncidentView } from "./incident-grouping";
import { automaticTitle, impactOfMonitorStatus, rootCauseTitle, scopeTitle, worstImpact } from "./incident-lifecycle";
import { utcText } from "../core/utc-time";
import { enqueueEvent } from "../notify/enqueue-event";
import { incidentEvent } from "../notify/event-builders";
import { ADVISORY_LOCKS, lockForTransaction } from "../store/advisory-lock";
import { publicMemberList, publicMemberName } from "./public-members";
import { CHANGE_SELECT, DependencyContext, type Change } from "./dependency-context";
import { decideFailure, isFailure, type DependencyFacts } from "./dependency-rules";

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
 *
 * With depends_on, a failure that begins while a dependency is confirmed down joins that root
 * cause's incident without a notification of its own (dependency-rules.ts decides, from the
 * confirmed states as of that change; dependency-context.ts reads them). A failure whose
 * dependency is failing but not yet confirmed is left unhandled for a bounded time.
 */
export async function handleStateChanges(
  db: Db,
  policy: IncidentPolicy,
  opts: { now?: () => Date; env?: Env; batch?: number } = {},
): Promise<AutomationReport> {
  const now = (opts.now ?? (() => new Date()))();
  const batch = opts.batch ?? DEFAULT_BATCH;
  const report: AutomationReport = { handled: 0, opened: [], joined: [], resolved: [], more: false };
  const changes: Change[] = await db.stateChange.findMany({
    where: { handledAt: null },
    orderBy: { id: "asc" },
    take: batch,
    select: CHANGE_SELECT,
  });
  if (!changes.length) return report;
  const done = await db
    .$transaction(
      async (tx) => {
        // Agents in several regions run this at once: one pass at a time, so failures that
        // belong together are grouped into one incident.
        await lockForTransaction(tx, ADVISORY_LOCKS.incidentAutomation);
        const pass = new AutomationPass(tx, policy, now, opts.env);
        await pass.load(changes);
        for (const c of changes) await pass.offer(c);
        await pass.finish();
        // A change waiting for its dependency's outage to be confirmed stays unhandled; the rest
        // are claimed with their effects. Another process took some of them first: leave the slice
        // to it and read again next time.
        const applied = [...pass.applied];
        if (applied.length) {
          const claimed = await tx.stateChange.updateMany({ where: { id: { in: applied }, handledAt: null }, data: { handledAt: now } });
          if (claimed.count !== applied.length) throw new ClaimLost();
        }
        return { ...pass.report, handled: applied.length };
      },
      { timeout: 60_000 },
    )
    .catch((e) => {
      if (e instanceof ClaimLost) return null;
      throw e;
    });
  if (!done) return report;
  // Only a pass that moved on asks for another at once: changes left waiting are looked at again on the timer.
  return { ...done, more: changes.length === batch && done.handled > 0 };
}

class ClaimLost extends Error {}

interface Member {
  name: string;
  group: string;
  isPublic: boolean;
  impact: string;
  recovered: boolean;
  /** The root cause it joined through (a dependency that was down); null: it failed on its own. */
  via: number | null;
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
  /** A line of this pass is news for subscribers and channels; a dependant joining or leaving alone is not. */
  notify: boolean;
  resolvedInPass: boolean;
}

/** One line of an automatic update. Updates are public text: a hidden monitor is not named. */
function describeChange(change: Change): string {
  const what = change.toStatus === "down" ? "is not responding as expected" : "is degraded";
  // Error texts can name internal hosts; they are public only for public monitors that show their target.
  const reason = change.monitor.isPublic && change.monitor.showTarget && change.reason ? ` (${change.reason})` : "";
  return `${publicMemberName(change.monitor)} ${what} since ${utcText(change.at)}${reason}`;
}

/** A list of lines for one update; a storm of them is summarised, not pasted whole. */
function summarise(lines: string[], max = 10): string {
  const shown = lines.slice(0, max).map((l) => `- ${l}`);
  if (lines.length > max) shown.push(`- and ${lines.length - max} more`);
  return shown.join("\n");
}

class AutomationPass {
  readonly report: AutomationReport = { handled: 0, opened: [], joined: [], resolved: [], more: false };
  /** Ids of the changes acted on (the others wait for a dependency and stay unhandled). */
  readonly applied = new Set<number>();
  private incidents = new Map<number, IncidentModel>();
  private deps!: DependencyContext;
  /** Confirmed state of monitors as of the change being handled, for those this pass has moved. */
  private stream = new Map<number, { status: string; since: number | null }>();
  /** Monitors whose change waits for a dependency: their later changes wait too, in order. */
  private held = new Set<number>();
  /** Changes found to be failures while a root cause (the key) was down, marked in one statement per root at the end. */
  private covered = new Map<number, number[]>();

  constructor(
    private readonly tx: Tx,
    private readonly policy: IncidentPolicy,
    private readonly now: Date,
    private readonly env?: Env,
  ) {}

  async load(changes: readonly Change[]): Promise<void> {
    const rows = await this.tx.incident.findMany({
      where: { resolvedAt: null },
      select: {
        id: true,
        auto: true,
        startedAt: true,
        title: true,
        status: true,
        impact: true,
        monitors: {
          select: {
            monitorId: true,
            impact: true,
            recoveredAt: true,
            dependencyId: true,
            monitor: { select: { name: true, group: true, isPublic: true } },
          },
        },
      },
    });
    const dependants: number[] = [];
    for (const r of rows) {
      const members = new Map<number, Member>(
        r.monitors.map((m) => [
          m.monitorId,
          {
            name: m.monitor.name,
            group: m.monitor.group,
            isPublic: m.monitor.isPublic,
            impact: m.impact,
            recovered: m.recoveredAt !== null,
            via: m.dependencyId,
          },
        ]),
      );
      for (const m of r.monitors) if (m.dependencyId !== null) dependants.push(m.monitorId);
      this.incidents.set(r.id, {
        id: r.id,
        auto: r.auto,
        startedAt: r.startedAt.getTime(),
        title: r.title,
        status: r.status,
        impact: r.impact,
        members,
        created: false,
        generatedTitle: r.auto && isGeneratedTitle(r.title, members),
        lines: [],
        notify: false,
        resolvedInPass: false,
      });
    }
    this.deps = await DependencyContext.load(this.tx, [...changes.map((c) => c.monitorId), ...dependants]);
  }

  private views(exclude?: number): OpenIncidentView[] {
    return [...this.incidents.values()]
      .filter((i) => !i.resolvedInPass && i.id !== exclude)
      .map((i) => ({
        id: i.id,
        auto: i.auto,
        startedAt: i.startedAt,
        monitors: new Map([...i.members].map(([id, m]) => [id, m.recovered])),
      }));
  }

  /** A monitor's confirmed state at this point of the change stream (the stored state may be ahead of it). */
  private streamOf(id: number): { status: string; since: number | null } {
    const moved = this.stream.get(id);
    if (moved) return moved;
    const node = this.deps.node(id);
    if (node?.queued && !this.applied.has(node.queued.id)) return { status: node.queued.fromStatus, since: null };
    return { status: node?.state.status ?? "unknown", since: node?.state.since ?? null };
  }

  private facts = (id: number): DependencyFacts | undefined => {
    const node = this.deps.node(id);
    if (!node) return undefined;
    const waiting = node.queued && !this.applied.has(node.queued.id) ? node.queued : null;
    const { status, since } = this.streamOf(id);
    return {
      status,
      since,
      downQueued: waiting?.toStatus === "down",
      // The stored state is this point's only when nothing of it waits in the stream.
      failingSince: waiting ? null : node.state.failingSince,
      confirmWithinMs: node.confirmWithinMs,
    };
  };

  /**
   * Acts on one change, unless its monitor waits for a dependency. A failure first lets the stored,
   * not yet handled changes of its dependencies go ahead (deepest first), so a root cause confirmed
   * a moment after its dependants still opens the incident they join.
   */
  async offer(change: Change): Promise<void> {
    if (this.applied.has(change.id) || this.held.has(change.monitorId)) return;
    let via: number | null = null;
    const dependencies = this.deps.dependenciesOf(change.monitorId);
    if (isFailure(change.toStatus) && dependencies.size) {
      const ahead = [...dependencies].sort((a, b) => this.deps.dependenciesOf(a).size - this.deps.dependenciesOf(b).size || a - b);
      for (const id of ahead) {
        const queued = this.deps.node(id)?.queued;
        if (queued && queued.toStatus === "down") await this.offer(queued);
      }
      const decision = decideFailure(dependencies, (id) => this.deps.dependenciesOf(id), this.facts, this.now.getTime());
      if (decision.kind === "wait") {
        this.held.add(change.monitorId);
        return;
      }
      if (decision.kind === "covered") via = decision.rootId;
    }
    this.applied.add(change.id);
    this.stream.set(change.monitorId, { status: change.toStatus, since: change.at.getTime() });
    if (isFailure(change.toStatus)) await this.onFailure(change, via);
    else if (change.toStatus === "up") await this.onRecovery(change);
  }

  private async onFailure(change: Change, via: number | null, opts: { exclude?: number; note?: string } = {}): Promise<void> {
    if (via !== null) {
      const rootIncident = this.openIncidentFailing(via);
      // Without an open incident of its root (a maintainer resolved it), the failure is its own.
      if (rootIncident) return this.joinAsDependant(rootIncident, change, via);
    }
    const impact = impactOfMonitorStatus(change.toStatus);
    const placement = placeFailure(change.monitorId, change.at.getTime(), this.views(opts.exclude), this.policy.groupWindowMs);
    const line = `${describeChange(change)}${opts.note ?? ""}`;
    if (placement.kind === "open") {
      const row = await this.tx.incident.create({
        data: {
          title: scopeTitle([{ ...change.monitor, impact }]),
          status: "investigating",
          impact,
          auto: true,
          startedAt: change.at,
          monitors: { create: { monitorId: change.monitorId, impact } },
        },
      });
      this.incidents.set(row.id, {
        id: row.id,
        auto: true,
        startedAt: change.at.getTime(),
        title: row.title,
        status: "investigating",
        impact,
        members: new Map([[change.monitorId, { ...memberOf(change), impact, recovered: false, via: null }]]),
        created: true,
        generatedTitle: true,
        lines: [line],
        notify: true,
        resolvedInPass: false,
      });
      this.report.opened.push(row.id);
      return;
    }
    const inc = this.incidents.get(placement.incidentId)!;
    const member = inc.members.get(change.monitorId);
    const worse = worstImpact([member?.impact ?? "none", impact]);
    if (placement.kind === "already" && member && worse === member.impact && member.via === null) return;
    if (member) {
      await this.tx.incidentMonitor.update({
        where: { incidentId_monitorId: { incidentId: inc.id, monitorId: change.monitorId } },
        data: { impact: worse, recoveredAt: null, dependencyId: null },
      });
      member.impact = worse;
      member.recovered = false;
      member.via = null;
    } else {
      await this.tx.incidentMonitor.create({ data: { incidentId: inc.id, monitorId: change.monitorId, impact } });
      inc.members.set(change.monitorId, { ...memberOf(change), impact, recovered: false, via: null });
      if (!this.report.joined.includes(inc.id)) this.report.joined.push(inc.id);
    }
    // A relapse while waiting in "monitoring" sends the incident back to investigation.
    if (placement.kind === "relapse" && inc.status === "monitoring") inc.status = "investigating";
    const verb = placement.kind === "relapse" ? "failing again" : placement.kind === "join" ? "also affected" : "now worse";
    inc.lines.push(`${line} (${verb})`);
    inc.notify = true;
  }

  /** The open incident in which `monitorId` is failing (the most recent, if several). */
  private openIncidentFailing(monitorId: number): IncidentModel | undefined {
    return [...this.incidents.values()]
      .filter((i) => !i.resolvedInPass && i.members.get(monitorId)?.recovered === false)
      .sort((a, b) => b.startedAt - a.startedAt)[0];
  }

  /**
   * A failure while a dependency is down: recorded on the change, and the monitor becomes an
   * affected component of the dependency's incident, with a line in its next update but no
   * notification of its own.
   */
  private async joinAsDependant(inc: IncidentModel, change: Change, rootId: number): Promise<void> {
    const impact = impactOfMonitorStatus(change.toStatus);
    const member = inc.members.get(change.monitorId);
    if (member) {
      member.impact = worstImpact([member.impact, impact]);
      member.recovered = false;
      member.via = rootId;
      await this.tx.incidentMonitor.update({
        where: { incidentId_monitorId: { incidentId: inc.id, monitorId: change.monitorId } },
        data: { impact: member.impact, recoveredAt: null, dependencyId: rootId },
      });
    } else {
      await this.tx.incidentMonitor.create({ data: { incidentId: inc.id, monitorId: change.monitorId, impact, dependencyId: rootId } });
      inc.members.set(change.monitorId, { ...memberOf(change), impact, recovered: false, via: rootId });
      if (!this.report.joined.includes(inc.id)) this.report.joined.push(inc.id);
    }
    if (change.id > 0) this.covered.set(rootId, [...(this.covered.get(rootId) ?? []), change.id]);
    inc.lines.push(`${describeChange(change)} (dependency down: ${this.publicNameOf(rootId, inc)})`);
  }

  private publicNameOf(monitorId: number, inc?: IncidentModel): string {
    const m = inc?.members.get(monitorId) ?? this.deps.node(monitorId);
    return m ? publicMemberName(m) : "a dependency";
  }

  private async onRecovery(change: Change): Promise<void> {
    const onTheirOwn = await this.releaseDependants(change);
    for (const inc of this.incidents.values()) {
      const member = inc.members.get(change.monitorId);
      if (!member || member.recovered || inc.resolvedInPass) continue;
      await this.tx.incidentMonitor.update({
        where: { incidentId_monitorId: { incidentId: inc.id, monitorId: change.monitorId } },
        data: { recoveredAt: change.at },
      });
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
        await this.tx.incident.update({
          where: { id: inc.id },
          data: { status: "resolved", resolvedAt: change.at, impact: inc.impact, title: inc.title },
        });
        const update = await this.tx.incidentUpdate.create({
          data: {
            incidentId: inc.id,
            status: "resolved",
            body: `Automatic: ${names} ${are} operating normally again since ${utcText(change.at)}.`,
            createdAt: this.now,
          },
        });
        this.report.resolved.push(inc.id);
        await this.queue(inc.id, "incident.resolved", update.id);
      } else if (inc.status !== "monitoring") {
        inc.status = "monitoring";
        inc.lines.push(`${names} ${are} back since ${utcText(change.at)}; waiting for a maintainer to resolve`);
        inc.notify = true;
      }
    }
    for (const { monitorId, leftIncident } of onTheirOwn) await this.failOnTheirOwn(monitorId, leftIncident, change);
  }

  /**
   * A root cause is back: its dependants that are still failing (and not about to recover) leave
   * its incident, so it can resolve, and are returned to get an incident of their own.
   */
  private async releaseDependants(change: Change): Promise<Array<{ monitorId: number; leftIncident: number }>> {
    const out: Array<{ monitorId: number; leftIncident: number }> = [];
    for (const inc of this.incidents.values()) {
      if (inc.resolvedInPass) continue;
      for (const [id, m] of inc.members) {
        if (m.via !== change.monitorId || m.recovered) continue;
        const queued = this.deps.node(id)?.queued;
        const recovering = queued && !this.applied.has(queued.id) && !isFailure(queued.toStatus);
        if (recovering || !isFailure(this.streamOf(id).status)) continue;
        await this.tx.incidentMonitor.update({
          where: { incidentId_monitorId: { incidentId: inc.id, monitorId: id } },
          data: { recoveredAt: change.at },
        });
        m.recovered = true;
        inc.lines.push(
          `${publicMemberName(m)} is still failing after ${publicMemberName(change.monitor)} recovered; it has an incident of its own`,
        );
        out.push({ monitorId: id, leftIncident: inc.id });
      }
    }
    return out;
  }

  /** A dependant still failing after its root cause recovered: its own incident now (or another root's, if one is down). */
  private async failOnTheirOwn(monitorId: number, leftIncident: number, rootChange: Change): Promise<void> {
    const node = this.deps.node(monitorId);
    if (!node) return;
    const state = this.streamOf(monitorId);
    const change: Change = {
      id: 0,
      monitorId,
      fromStatus: "up",
      toStatus: state.status,
      at: new Date(state.since ?? rootChange.at.getTime()),
      reason: node.state.lastError,
      monitor: { name: node.name, group: node.group, showTarget: node.showTarget, isPublic: node.isPublic },
    };
    const decision = decideFailure(
      this.deps.dependenciesOf(monitorId),
      (id) => this.deps.dependenciesOf(id),
      this.facts,
      this.now.getTime(),
    );
    const note = `; ${publicMemberName(rootChange.monitor)}, which it depends on, is back since ${utcText(rootChange.at)}`;
    await this.onFailure(change, decision.kind === "covered" ? decision.rootId : null, { exclude: leftIncident, note });
  }

  /** Titles, impacts and one update (plus its notification) per incident this pass touched. */
  async finish(): Promise<void> {
    for (const [rootId, ids] of this.covered)
      await this.tx.stateChange.updateMany({ where: { id: { in: ids } }, data: { dependencyId: rootId } });
    for (const inc of this.incidents.values()) {
      if (inc.resolvedInPass) continue;
      if (inc.created || inc.lines.length) await this.writeUpdate(inc);
    }
  }

  private async writeUpdate(inc: IncidentModel): Promise<void> {
    if (!inc.lines.length && !inc.created) return;
    const members = [...inc.members.values()];
    if (inc.impact !== "critical") inc.impact = worstImpact(members.map((m) => m.impact));
    if (inc.generatedTitle) inc.title = titleOf(inc.members);
    await this.tx.incident.update({ where: { id: inc.id }, data: { title: inc.title, impact: inc.impact, status: inc.status } });
    const body = inc.lines.length === 1 ? `Automatic: ${inc.lines[0]}.` : `Automatic:\n\n${summarise(inc.lines)}`;
    const update = await this.tx.incidentUpdate.create({ data: { incidentId: inc.id, status: inc.status, body, createdAt: this.now } });
    inc.lines = [];
    const notify = inc.notify;
    inc.notify = false;
    if (inc.created) {
      inc.created = false;
      await enqueueEvent(
        this.tx,
        { ...(await incidentEvent(this.tx, inc.id, "incident.opened", this.now, {}, this.env)), ackIncidentId: inc.id },
        this.now,
        this.env,
      );
    } else if (notify) {
      // Dependants joining or leaving a root cause's incident alone are on its timeline, not news.
      await this.queue(inc.id, "incident.updated", update.id);
    }
  }

  private async queue(incidentId: number, type: "incident.updated" | "incident.resolved", updateId: number): Promise<void> {
    await enqueueEvent(this.tx, await incidentEvent(this.tx, incidentId, type, this.now, { updateId }, this.env), this.now, this.env);
  }
}

function memberOf(change: Change): Pick<Member, "name" | "group" | "isPublic"> {
  return { name: change.monitor.name, group: change.monitor.group, isPublic: change.monitor.isPublic };
}

/**
 * The generated title for these members: a root cause and its dependants ("Storage: Filebase S3
 * down; 6 dependent checks affected") when that is all the incident holds, else the scope form.
 */
function titleOf(members: ReadonlyMap<number, Member>): string {
  const list = [...members.entries()];
  const dependants = list.filter(([, m]) => m.via !== null);
  const roots = new Set(dependants.map(([, m]) => m.via));
  if (dependants.length && roots.size === 1) {
    const rootId = [...roots][0]!;
    const root = members.get(rootId);
    const others = list.filter(([id, m]) => m.via === null && id !== rootId);
    if (root && root.via === null && !others.length) return rootCauseTitle(root, dependants.length);
  }
  return scopeTitle(list.map(([, m]) => m));
}

function namesOf(inc: IncidentModel): string {
  const names = publicMemberList([...inc.members.values()]);
  return names.length <= 5 ? names.join(", ") : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
}

/**
 * A title automation wrote for these members: today's scope form, or the older ones that listed
 * names (rewritten at the next update, so they stop naming hidden monitors and follow the scope).
 */
function isGeneratedTitle(title: string, byId: ReadonlyMap<number, Member>): boolean {
  const members = [...byId.values()];
  if (title === titleOf(byId) || title === scopeTitle(members)) return true;
  return [publicMemberList(members), members.map((m) => m.name)].some(
    (names) => title === automaticTitle(names, "down") || title === automaticTitle(names, "degraded"),
  );
}
