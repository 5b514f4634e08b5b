import type { Env } from "../config/secrets";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Db } from "../store/client";
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
}

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
    this.scheduler.start();
    if (this.opts.housekeeping !== false) {
      const retention = retentionFromEnv(this.opts.env);
      this.housekeeping = startHousekeeping(
        [
          { name: "retention", schedule: "17 * * * *", run: () => applyRetention(this.opts.db, retention) },
          { name: "maintenance-calendar", schedule: "*/15 * * * * *", run: () => this.calendar.refresh(this.opts.db) },
          { name: "heartbeat", schedule: "*/15 * * * * *", run: () => this.heartbeat() },
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
  }

  private async heartbeat(): Promise<void> {
    const now = new Date();
    const data = { region: this.region, hostname: hostname(), startedAt: this.startedAt, lastSeenAt: now, latenessP99Ms: this.lateness.quantile(0.99) };
    await this.opts.db.agent.upsert({ where: { id: this.id }, create: { id: this.id, ...data }, update: data });
  }

  /** Graceful stop: no new checks, running ones finish or time out, all results are written. */
  async stop(): Promise<void> {
    await this.housekeeping?.stop();
    await this.scheduler.stop();
    await this.writer.drain();
    this.writer.close();
    await this.opts.db.agent.delete({ where: { id: this.id } }).catch(() => {});
  }
}
