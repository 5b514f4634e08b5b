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
}

/** How long the agent's writes wait synchronously for another process's write lock once it is checking. */
export const AGENT_BUSY_TIMEOUT_MS = 10;

/** The agent: config sync, scheduler, probes, result writer and housekeeping, in one process. */
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
  private automationTimer: NodeJS.Timeout | null = null;
  private automationRun: Promise<void> | null = null;
  private automationAgain = false;

  constructor(private readonly opts: StatusAgentOptions) {
    this.region = opts.region ?? "default";
    this.log = opts.log ?? ((line) => console.log(`${new Date().toISOString()} agent ${line}`));
  }

  get monitorCount(): number {
    return this.defs.size;
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
    const report = await syncConfig(this.opts.db, config);
    this.policy = config.incidents;
    await materializeSeries(this.opts.db, Date.now(), this.opts.env);
    await this.calendar.refresh(this.opts.db);
    this.writer = new ResultWriter(this.opts.db, this.states, {
      region: this.region,
      isUnderMaintenance: (id, slot) => this.calendar.isUnderMaintenance(id, slot),
      onCommitted: (t) => this.onCommitted(t),
      log: this.log,
    });
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
    if (providerOf(this.opts.db) === "sqlite") await this.opts.db.$queryRawUnsafe(`PRAGMA busy_timeout = ${AGENT_BUSY_TIMEOUT_MS}`);
    this.scheduler.start();
    if (this.opts.notifications !== false) {
      const n = this.opts.notifications ?? {};
      this.outbox = new OutboxWorker(this.opts.db, { deliver: n.deliver ?? channelDeliverer(this.opts.env ?? process.env), retry: n.retry, pollMs: n.pollMs, log: this.log });
      this.outbox.start();
    }
    this.scheduleAutomation(0);
    if (this.opts.housekeeping !== false) {
      const retention = retentionFromEnv(this.opts.env);
      this.housekeeping = startHousekeeping(
        [
          { name: "retention", schedule: "17 * * * *", run: () => applyRetention(this.opts.db, retention) },
          { name: "maintenance-calendar", schedule: "*/15 * * * * *", run: () => this.calendar.refresh(this.opts.db) },
          { name: "heartbeat", schedule: "*/15 * * * * *", run: () => this.heartbeat() },
          { name: "maintenance-series", schedule: "*/10 * * * *", run: () => materializeSeries(this.opts.db, Date.now(), this.opts.env) },
          { name: "expired-tokens", schedule: "41 * * * *", run: () => purgeExpiredAccessData(this.opts.db) },
        ],
        this.log,
      );
    }
    await this.heartbeat();
    this.log(`started in region ${this.region}: ${report.monitors.length} monitors (${report.created.length} new, ${report.archived.length} archived), ${this.defs.size} enabled`);
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
    this.states = await loadLiveStates(this.opts.db, enabled, this.states);
    this.defs = new Map(enabled.map((m) => [m.id, m.def]));
    this.scheduler.setMonitors(enabled.map((m) => ({ id: m.id, intervalMs: m.def.intervalMs, phaseMs: m.def.phaseMs })));
  }

  private async check(run: SlotRun, signal: AbortSignal): Promise<void> {
    const def = this.defs.get(run.monitorId);
    if (!def) return;
    this.lateness.add(run.latenessMs);
    const result = await runProbe(def, { ...this.opts.probeOptions, shutdown: signal, env: this.opts.env });
    this.writer.push({ monitorId: run.monitorId, region: this.region, slot: run.slot, latenessMs: run.latenessMs, result });
  }

  private onCommitted(transitions: CommittedTransition[]): void {
    for (const t of transitions) {
      const def = this.defs.get(t.monitorId);
      this.log(`${def?.slug ?? t.monitorId}: ${t.from} -> ${t.to} since ${new Date(t.at).toISOString()}${t.reason ? ` (${t.reason})` : ""}`);
    }
    this.opts.onTransitions?.(transitions);
    this.scheduleAutomation(0);
  }

  /**
   * Incidents, reminders and maintenance start/end events, run right after a commit that
   * changed a state and every few seconds otherwise. Never two passes at once.
   */
  private scheduleAutomation(delayMs: number): void {
    if (this.automationRun) {
      this.automationAgain = true;
      return;
    }
    if (this.automationTimer) clearTimeout(this.automationTimer);
    this.automationTimer = setTimeout(() => {
      this.automationTimer = null;
      this.automationRun = this.automate()
        .catch((e) => this.log(`incident automation failed, will retry: ${(e as Error).message.split("\n")[0]}`))
        .finally(() => {
          this.automationRun = null;
          const again = this.automationAgain;
          this.automationAgain = false;
          if (!this.stopping) this.scheduleAutomation(again ? 0 : (this.opts.automationEveryMs ?? 5000));
        });
    }, delayMs);
  }

  private stopping = false;

  private async automate(): Promise<void> {
    const db = this.opts.db;
    const report = await handleStateChanges(db, this.policy, { env: this.opts.env });
    // A storm is handled a slice per pass, with the event loop free between slices.
    if (report.more) this.automationAgain = true;
    for (const id of report.opened) this.log(`incident ${id} opened`);
    for (const id of report.resolved) this.log(`incident ${id} resolved automatically`);
    let queued = report.handled;
    queued += await queueDueReminders(db, this.policy.remindEveryMs, Date.now(), this.opts.env);
    queued += await queueMaintenanceTransitions(db, Date.now(), this.opts.env);
    if (queued) this.outbox?.poke();
  }

  private async heartbeat(): Promise<void> {
    const now = new Date();
    const data = { region: this.region, hostname: hostname(), startedAt: this.startedAt, lastSeenAt: now, latenessP99Ms: this.lateness.quantile(0.99) };
    await this.opts.db.agent.upsert({ where: { id: this.id }, create: { id: this.id, ...data }, update: data });
  }

  /** Graceful stop: no new checks, running ones finish or time out, all results are written. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.automationTimer) clearTimeout(this.automationTimer);
    await this.housekeeping?.stop();
    await this.scheduler.stop();
    await this.writer.drain();
    this.writer.close();
    await this.automationRun;
    // Changes committed by the last batch become incidents before the process exits.
    await this.automate().catch(() => {});
    await this.outbox?.stop();
    await this.opts.db.agent.delete({ where: { id: this.id } }).catch(() => {});
  }
}
