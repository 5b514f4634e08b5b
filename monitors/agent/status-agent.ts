import type { Env } from "../config/secrets";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { providerOf, type Db } from "../store/client";
import { loadConfigFile, type MonitorDefinition } from "../config/load";
import { syncConfig, type SyncedMonitor } from "../config/sync";
import { loadLiveStates } from "../store/live-states";
import { ResultWriter, type CommittedTransition, type LiveState } from "../store/result-writer";
import { Scheduler, type SlotRun } from "../schedule/scheduler";
import { startHousekeeping } from "../schedule/housekeeping";
import { applyRetention, retentionFromEnv } from "../store/retention";
import { MaintenanceCalendar } from "../state/maintenance-calendar";
import { runProbe, type RunProbeOptions } from "../probes/run-probe";
import { LatencyWindow } from "./latency-window";
import { DEFAULT_INCIDENT_POLICY, type IncidentPolicy } from "../incidents/incident-policy";
import { handleStateChanges } from "../incidents/incident-automation";
import { queueDueReminders } from "../incidents/reminders";
import { OutboxWorker, type Deliver } from "../notify/outbox-worker";
import type { RetryPolicy } from "../notify/retry-schedule";
import { channelDeliverer } from "../notify/deliver";
import { materializeSeries } from "../maintenance/series";
import { queueMaintenanceTransitions } from "../maintenance/maintenance-transitions";
import { purgeExpiredAccessData } from "../auth/purge-expired";
import { LeaseManager, leaseTimingFromEnv, type LeaseTiming } from "../regions/lease-manager";
import { RegionCheckWriter } from "../regions/region-check-writer";
import { decideSlots } from "../regions/quorum-decider";
import { RepeatingPass } from "./repeating-pass";
import { announceChange } from "../store/change-feed";

export interface StatusAgentOptions {
  db: Db;
  configFile: string;
  region?: string;
  concurrency?: number;
  env?: Env;
  log?: (line: string) => void;
  probeOptions?: RunProbeOptions;
  /** Housekeeping cron jobs; tests turn them off to keep timing quiet. */
  housekeeping?: boolean;
  onTransitions?: (t: CommittedTransition[]) => void;
  /** Notification delivery; tests shorten the retry schedule. `false` leaves the outbox to another process. */
  notifications?: false | { deliver?: Deliver; retry?: RetryPolicy; pollMs?: number };
  /** How often incidents, reminders and maintenance events are looked at besides after each commit. */
  automationEveryMs?: number;
  /** Lease timing on PostgreSQL (default: LEASE_TTL_MS / LEASE_RENEW_MS, else 15 s / 5 s). */
  leases?: LeaseTiming;
}

/** How often an agent in a region looks for slots ready to be decided, besides after each write. */
const DECIDE_EVERY_MS = 1000;

/** A setting that keeps the agent from starting; its message says which and what to do. */
export class AgentSetupError extends Error {}

/** How long the agent's writes wait synchronously for another process's write lock once it is checking. */
export const AGENT_BUSY_TIMEOUT_MS = 10;

/**
 * The agent: config sync, scheduler, probes, result writer and housekeeping, in one process.
 *
 * On SQLite it is the only agent and writes slot results itself. On PostgreSQL it runs in a region
 * (default "default") next to any number of others: it probes the monitors it holds leases for,
 * writes region checks, and takes part in deciding slots from all regions' checks (quorum).
 */
export class StatusAgent {
  readonly id = randomUUID();
  readonly region: string;
  private readonly log: (line: string) => void;
  private defs = new Map<number, MonitorDefinition>();
  private states = new Map<number, LiveState>();
  private readonly calendar = new MaintenanceCalendar();
  private writer!: ResultWriter;
  private scheduler!: Scheduler;
  private housekeeping?: { stop: () => Promise<void> };
  readonly lateness = new LatencyWindow(2048);
  private startedAt = new Date();
  private policy: IncidentPolicy = DEFAULT_INCIDENT_POLICY;
  private outbox?: OutboxWorker;
  private automation!: RepeatingPass;
  /** Set on PostgreSQL: leases decide which monitors this agent probes. */
  private leases?: LeaseManager;
  private leaseTiming!: LeaseTiming;
  private leaseRenewal?: RepeatingPass;
  private decision?: RepeatingPass;
  /** Monitors this region probes (enabled, and listing this region or none). */
  private regionDefs = new Map<number, MonitorDefinition>();

  constructor(private readonly opts: StatusAgentOptions) {
    this.region = opts.region ?? "default";
    this.log = opts.log ?? ((line) => console.log(`${new Date().toISOString()} agent ${line}`));
  }

  get monitorCount(): number {
    return this.defs.size;
  }

  /** Whether this agent runs in a region among others (PostgreSQL) rather than alone (SQLite). */
  get regional(): boolean {
    return this.leases !== undefined;
  }

  get writerStats() {
    return this.writer.stats;
  }

  get schedulerStats() {
    return this.scheduler.stats;
  }

  /** Validates and syncs the config (a ConfigError leaves the database untouched), then starts checking. */
  async start(): Promise<void> {
    const config = loadConfigFile(this.opts.configFile, this.opts.env ?? process.env);
    const regional = providerOf(this.opts.db) === "postgresql";
    if (!regional && this.region !== "default") {
      throw new AgentSetupError(`--region ${this.region}: regions need PostgreSQL (DATABASE_URL=postgresql://…); on SQLite one agent probes every monitor`);
    }
    const report = await syncConfig(this.opts.db, config);
    this.policy = config.incidents;
    await materializeSeries(this.opts.db, Date.now(), this.opts.env);
    await this.calendar.refresh(this.opts.db);
    if (regional) {
      this.leaseTiming = this.opts.leases ?? leaseTimingFromEnv(this.opts.env);
      this.leases = new LeaseManager(this.opts.db, this.id, this.region, this.leaseTiming);
      this.writer = new RegionCheckWriter(this.opts.db, this.id, { flushDelayMs: 100, log: this.log, onWritten: () => this.decision?.poke() });
    } else {
      this.writer = new ResultWriter(this.opts.db, this.states, {
        region: this.region,
        isUnderMaintenance: (id, slot) => this.calendar.isUnderMaintenance(id, slot),
        onCommitted: (t) => this.onCommitted(t),
        log: this.log,
      });
    }
    this.scheduler = new Scheduler({
      concurrency: this.opts.concurrency ?? 64,
      run: (run, signal) => this.check(run, signal),
    });
    await this.apply(report.monitors);
    // From here on probes run on this event loop. better-sqlite3 waits for a competing writer
    // synchronously, so every write attempt against a held lock would freeze the loop for the
    // whole busy timeout (100 ms by default) and start the slots due meanwhile that much late.
    // The agent's writes all retry on their own (results with backoff, automation and the
    // outbox on their next pass), so it barely waits and lets them.
    if (!regional) await this.opts.db.$queryRawUnsafe(`PRAGMA busy_timeout = ${AGENT_BUSY_TIMEOUT_MS}`);
    this.scheduler.start();
    if (regional) {
      await this.heartbeat();
      await this.renewLeases();
      this.leaseRenewal = new RepeatingPass("lease renewal", this.leaseTiming.renewEveryMs, () => this.heartbeat().then(() => this.renewLeases()), this.log);
      this.leaseRenewal.poke(this.leaseTiming.renewEveryMs);
      this.decision = new RepeatingPass("slot decision", DECIDE_EVERY_MS, () => this.decide(), this.log);
      this.decision.poke();
    }
    if (this.opts.notifications !== false) {
      const n = this.opts.notifications ?? {};
      this.outbox = new OutboxWorker(this.opts.db, { deliver: n.deliver ?? channelDeliverer(this.opts.env ?? process.env), retry: n.retry, pollMs: n.pollMs, log: this.log });
      this.outbox.start();
    }
    this.automation = new RepeatingPass("incident automation", this.opts.automationEveryMs ?? 5000, () => this.automate(), this.log);
    this.automation.poke();
    if (this.opts.housekeeping !== false) {
      const retention = retentionFromEnv(this.opts.env);
      this.housekeeping = startHousekeeping(
        [
          { name: "retention", schedule: "17 * * * *", run: () => applyRetention(this.opts.db, retention) },
          { name: "maintenance-calendar", schedule: "*/15 * * * * *", run: () => this.calendar.refresh(this.opts.db) },
          ...(regional ? [] : [{ name: "heartbeat", schedule: "*/15 * * * * *", run: () => this.heartbeat() }]),
          { name: "maintenance-series", schedule: "*/10 * * * *", run: () => materializeSeries(this.opts.db, Date.now(), this.opts.env) },
          { name: "expired-tokens", schedule: "41 * * * *", run: () => purgeExpiredAccessData(this.opts.db) },
        ],
        this.log,
      );
    }
    await this.heartbeat();
    this.log(
      `started in region ${this.region}: ${report.monitors.length} monitors (${report.created.length} new, ${report.archived.length} archived), ${this.defs.size} enabled${regional ? `; PostgreSQL, ${this.leases!.heldCount} held on leases of ${this.leaseTiming.ttlMs} ms` : ""}`,
    );
  }

  /** Re-reads the config; on error the running set stays as it was. */
  async reload(): Promise<boolean> {
    let config;
    try {
      config = loadConfigFile(this.opts.configFile, this.opts.env ?? process.env);
    } catch (e) {
      this.log(`reload refused, keeping the running config:\n${(e as Error).message}`);
      return false;
    }
    const report = await syncConfig(this.opts.db, config);
    this.policy = config.incidents;
    await this.writer.drain();
    await this.apply(report.monitors);
    this.log(`reloaded: ${report.created.length} new, ${report.updated.length} kept, ${report.archived.length} archived, ${report.restored.length} restored`);
    return true;
  }

  private async apply(monitors: SyncedMonitor[]): Promise<void> {
    const enabled = monitors.filter((m) => !m.def.disabledReason);
    for (const m of monitors) if (m.def.disabledReason) this.log(`${m.def.slug} is disabled: ${m.def.disabledReason}`);
    this.defs = new Map(enabled.map((m) => [m.id, m.def]));
    if (this.leases) {
      const mine = enabled.filter((m) => !m.def.regions.length || m.def.regions.includes(this.region));
      this.regionDefs = new Map(mine.map((m) => [m.id, m.def]));
      await this.leases.setMonitors([...this.regionDefs.keys()]);
      this.scheduleHeld(this.leases.heldIds());
      return;
    }
    this.states = await loadLiveStates(this.opts.db, enabled, this.states);
    this.scheduler.setMonitors(enabled.map((m) => ({ id: m.id, intervalMs: m.def.intervalMs, phaseMs: m.def.phaseMs })));
  }

  private scheduleHeld(held: Iterable<number>): void {
    const list = [];
    for (const id of held) {
      const def = this.regionDefs.get(id);
      if (def) list.push({ id, intervalMs: def.intervalMs, phaseMs: def.phaseMs });
    }
    this.scheduler.setMonitors(list);
  }

  /** Heartbeat, then renew, give back and claim leases; the scheduler follows what is held. */
  private async renewLeases(): Promise<void> {
    const t = await this.leases!.tick();
    this.scheduleHeld(t.held);
    if (t.claimed.length || t.released.length || t.lost.length) {
      this.log(`leases in ${this.region}: ${t.held.size} held (share ${t.share} of ${t.liveAgents} agent(s)); claimed ${t.claimed.length}, gave back ${t.released.length}, lost ${t.lost.length}`);
    }
  }

  /** Slots of every region's checks, decided by quorum; runs after each write and every second. */
  private async decide(): Promise<boolean> {
    const pass = await decideSlots(this.opts.db, { agentAliveMs: this.leaseTiming.ttlMs, isUnderMaintenance: (id, slot) => this.calendar.isUnderMaintenance(id, slot) });
    if (pass.transitions.length) this.onCommitted(pass.transitions);
    return pass.more;
  }

  private async check(run: SlotRun, signal: AbortSignal): Promise<void> {
    const def = this.defs.get(run.monitorId);
    if (!def) return;
    // A lease not renewed in time may be another agent's by now: the slot is left to it.
    if (this.leases && !this.leases.mayCheck(run.monitorId)) return;
    this.checks += 1;
    this.lateness.add(run.latenessMs);
    const result = await runProbe(def, { ...this.opts.probeOptions, shutdown: signal, env: this.opts.env, region: this.region });
    this.writer.push({ monitorId: run.monitorId, region: this.region, slot: run.slot, latenessMs: run.latenessMs, result });
  }

  private onCommitted(transitions: CommittedTransition[]): void {
    for (const t of transitions) {
      const def = this.defs.get(t.monitorId);
      this.log(`${def?.slug ?? t.monitorId}: ${t.from} -> ${t.to} since ${new Date(t.at).toISOString()}${t.reason ? ` (${t.reason})` : ""}`);
    }
    this.opts.onTransitions?.(transitions);
    this.automation.poke();
  }

  /**
   * Incidents, reminders and maintenance start/end events, run right after a commit that
   * changed a state and every few seconds otherwise.
   */
  private async automate(): Promise<boolean> {
    const db = this.opts.db;
    const report = await handleStateChanges(db, this.policy, { env: this.opts.env });
    for (const id of report.opened) this.log(`incident ${id} opened`);
    for (const id of report.resolved) this.log(`incident ${id} resolved automatically`);
    // Web nodes drop their cached pages at once instead of after their few seconds of age.
    if (report.opened.length || report.resolved.length) await announceChange(db, "incident.auto").catch(() => {});
    let queued = report.handled;
    queued += await queueDueReminders(db, this.policy.remindEveryMs, Date.now(), this.opts.env);
    queued += await queueMaintenanceTransitions(db, Date.now(), this.opts.env);
    if (queued) this.outbox?.poke();
    // A storm is handled a slice per run, with the event loop free between slices.
    return report.more;
  }

  private checks = 0;

  private async heartbeat(): Promise<void> {
    const now = new Date();
    const data = {
      region: this.region,
      hostname: hostname(),
      startedAt: this.startedAt,
      lastSeenAt: now,
      latenessP99Ms: this.lateness.quantile(0.99),
      latenessP50Ms: this.lateness.quantile(0.5),
      monitors: this.leases ? this.leases.heldCount : this.defs.size,
      checks: this.checks,
    };
    await this.opts.db.agent.upsert({ where: { id: this.id }, create: { id: this.id, ...data }, update: data });
  }

  /** Graceful stop: no new checks, running ones finish or time out, all results are written. */
  async stop(): Promise<void> {
    await this.automation.stop();
    await this.leaseRenewal?.stop();
    await this.housekeeping?.stop();
    await this.scheduler.stop();
    await this.writer.drain();
    this.writer.close();
    if (this.leases) {
      await this.decision?.stop();
      await this.decide().catch(() => {});
      // The others take over at their next renewal instead of after the leases expire.
      await this.leases.releaseAll().catch(() => {});
      // They claim beyond their share only once this agent no longer counts as live: drop the
      // heartbeat row now, not after automation and the outbox (which can take seconds), or its
      // share stays reserved until the heartbeat is a ttl old and the release gains nothing.
      await this.opts.db.agent.delete({ where: { id: this.id } }).catch(() => {});
    }
    // Changes committed by the last batch become incidents before the process exits.
    await this.automate().catch(() => {});
    await this.outbox?.stop();
    await this.opts.db.agent.delete({ where: { id: this.id } }).catch(() => {});
  }
}
