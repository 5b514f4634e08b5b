import type { Env } from "../config/secrets";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Db } from "../store/client";
import { dialectOf } from "../store/dialect";
import { loadConfigFile, type MonitorDefinition } from "../config/load";
import { syncConfig, type SyncedMonitor } from "../store/config-sync";
import type { CheckOutcome, CommittedTransition } from "../evaluate/batch-plan";
import { startHousekeeping } from "../schedule/housekeeping";
import { applyRetention, retentionFromEnv } from "../store/retention";
import { ensurePartitions, packClosedPartitions } from "../store/partitions";
import { MaintenanceCalendar } from "../maintenance/maintenance-calendar";
import type { RunProbeOptions } from "../probes/run-probe";
import { LatencyWindow } from "./latency-window";
import { DEFAULT_INCIDENT_POLICY, type IncidentPolicy } from "../config/incident-policy";
import { handleStateChanges } from "../incidents/incident-automation";
import { queueDueReminders } from "../incidents/reminders";
import { OutboxWorker, type Deliver } from "../notify/outbox-worker";
import type { RetryPolicy } from "../notify/retry-schedule";
import { channelDeliverer } from "../notify/deliver";
import { materializeSeries } from "../maintenance/series";
import { queueMaintenanceTransitions } from "../maintenance/maintenance-transitions";
import { purgeExpiredAccessData } from "./purge-expired";
import { leaseTimingFromEnv, type LeaseTiming } from "../regions/lease-manager";
import { RepeatingPass } from "./repeating-pass";
import { announceChange } from "../store/change-feed";
import { ProbeLoop, type ProbeControl } from "./probe-loop";
import type { AgentMode, AgentModeContext } from "./agent-mode";
import { SoloMode } from "./solo-mode";
import { RegionalMode } from "./regional-mode";
import { checkHeartbeatConfig } from "../heartbeat/heartbeat-config";
import { HeartbeatPass } from "../heartbeat/heartbeat-pass";
import { RegionalHeartbeatPass } from "../heartbeat/regional-heartbeat-pass";
import { syncPingTokens } from "../heartbeat/ping-token";
import { purgeOldPings } from "../heartbeat/ping-retention";

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
  /**
   * Who runs the checks. The agent process gives the probe thread's port (monitors/agent.ts), so
   * this side only stores; without it a ProbeLoop runs on this thread (tests).
   */
  probes?: ProbeControl;
  /** Called once a batch of outcomes is committed (the probe thread forgets them then). */
  onWritten?: (batch: CheckOutcome[]) => void;
}

/** How often the store thread reads new pings and judges heartbeat deadlines. */
const HEARTBEAT_PASS_MS = 250;

/** A setting that keeps the agent from starting; its message says which and what to do. */
export class AgentSetupError extends Error {}

/**
 * The agent's store side: config sync, result writer, incident automation, notifications and
 * housekeeping. The checks themselves run behind `ProbeControl`, on the probe thread in the agent
 * process (monitors/agent.ts), so nothing here can delay a check or its timings.
 *
 * On SQLite it is the only agent and writes slot results itself (SoloMode). On PostgreSQL it runs
 * in a region (default "default") next to any number of others (RegionalMode).
 */
export class StatusAgent {
  readonly id = randomUUID();
  readonly region: string;
  private readonly log: (line: string) => void;
  private defs = new Map<number, MonitorDefinition>();
  private readonly calendar = new MaintenanceCalendar();
  private mode!: AgentMode;
  private probes!: ProbeControl;
  private housekeeping?: { stop: () => Promise<void> };
  readonly lateness = new LatencyWindow(2048);
  private startedAt = new Date();
  private policy: IncidentPolicy = DEFAULT_INCIDENT_POLICY;
  private outbox?: OutboxWorker;
  private automation!: RepeatingPass;
  private heartbeats!: HeartbeatPass | RegionalHeartbeatPass;
  private heartbeatJudging!: RepeatingPass;

  constructor(private readonly opts: StatusAgentOptions) {
    this.region = opts.region ?? "default";
    this.log = opts.log ?? ((line) => console.log(`${new Date().toISOString()} agent ${line}`));
  }

  get monitorCount(): number {
    return this.defs.size;
  }

  /** Validates and syncs the config (a ConfigError leaves the database untouched), then starts checking. */
  async start(): Promise<void> {
    const regional = dialectOf(this.opts.db).regions;
    const config = this.loadConfig();
    if (!regional && this.region !== "default") {
      throw new AgentSetupError(
        `--region ${this.region}: regions need PostgreSQL (DATABASE_URL=postgresql://…); on SQLite one agent probes every monitor`,
      );
    }
    const report = await syncConfig(this.opts.db, config);
    this.policy = config.incidents;
    // PostgreSQL: today's partitions (and rows a migration left in DEFAULT) before the first write.
    const partitions = await ensurePartitions(this.opts.db);
    if (partitions.created.length > 0)
      this.log(`created ${partitions.created.length} time partitions, moved ${partitions.movedFromDefault} rows out of DEFAULT`);
    await materializeSeries(this.opts.db, Date.now(), this.opts.env);
    await this.calendar.refresh(this.opts.db);
    const ctx: AgentModeContext = {
      db: this.opts.db,
      agentId: this.id,
      region: this.region,
      calendar: this.calendar,
      log: this.log,
      heartbeat: () => this.heartbeat(),
      onCommitted: (t) => this.onCommitted(t),
      onWritten: this.opts.onWritten,
    };
    this.mode = regional ? new RegionalMode(ctx, this.opts.leases ?? leaseTimingFromEnv(this.opts.env)) : new SoloMode(ctx);
    // Pings become slot results here, on the store thread, through the same writer as checks.
    // On PostgreSQL one agent at a time judges them all, writing decided slots (heartbeat/regional-heartbeat-pass.ts).
    this.heartbeats = regional
      ? new RegionalHeartbeatPass(this.opts.db, {
          isUnderMaintenance: (id, slot) => this.calendar.isUnderMaintenance(id, slot),
          onCommitted: (t) => this.onCommitted(t),
        })
      : new HeartbeatPass(this.opts.db, (o) => this.mode.writer.push(o), { region: this.region });
    // On PostgreSQL every agent tries each pass and one takes the lock: half as often keeps that cheap.
    const passMs = regional ? 2 * HEARTBEAT_PASS_MS : HEARTBEAT_PASS_MS;
    this.heartbeatJudging = new RepeatingPass("heartbeat judging", passMs, () => this.heartbeats.run(), this.log);
    this.probes =
      this.opts.probes ??
      new ProbeLoop({
        concurrency: this.opts.concurrency ?? 64,
        region: this.region,
        env: this.opts.env,
        probeOptions: this.opts.probeOptions,
        emit: (o) => this.accept(o),
      });
    await this.apply(report.monitors);
    this.probes.start();
    await this.mode.start(this.probes);
    if (this.opts.notifications !== false) {
      const n = this.opts.notifications ?? {};
      this.outbox = new OutboxWorker(this.opts.db, {
        deliver: n.deliver ?? channelDeliverer(this.opts.env ?? process.env),
        retry: n.retry,
        pollMs: n.pollMs,
        log: this.log,
      });
      this.outbox.start();
    }
    this.heartbeatJudging.poke();
    this.automation = new RepeatingPass("incident automation", this.opts.automationEveryMs ?? 5000, () => this.automate(), this.log);
    this.automation.poke();
    if (this.opts.housekeeping !== false) {
      const retention = retentionFromEnv(this.opts.env);
      this.housekeeping = startHousekeeping(
        [
          { name: "partitions", schedule: "13 * * * *", run: () => ensurePartitions(this.opts.db) },
          { name: "partition-packing", schedule: "23 * * * *", run: () => this.packPartitions() },
          { name: "retention", schedule: "17 * * * *", run: () => applyRetention(this.opts.db, retention) },
          { name: "heartbeat-pings", schedule: "19 * * * *", run: () => purgeOldPings(this.opts.db, retention.rawDays) },
          { name: "maintenance-calendar", schedule: "*/15 * * * * *", run: () => this.calendar.refresh(this.opts.db) },
          ...this.mode.jobs,
          { name: "maintenance-series", schedule: "*/10 * * * *", run: () => materializeSeries(this.opts.db, Date.now(), this.opts.env) },
          { name: "expired-tokens", schedule: "41 * * * *", run: () => purgeExpiredAccessData(this.opts.db) },
        ],
        this.log,
      );
    }
    await this.heartbeat();
    this.log(
      `started in region ${this.region}: ${report.monitors.length} monitors (${report.created.length} new, ${report.archived.length} archived), ${this.defs.size} enabled${this.mode.description}`,
    );
  }

  /** Re-reads the config; on error the running set stays as it was. */
  async reload(): Promise<boolean> {
    let config: ReturnType<typeof loadConfigFile>;
    try {
      config = this.loadConfig();
    } catch (e) {
      this.log(`reload refused, keeping the running config:\n${(e as Error).message}`);
      return false;
    }
    const report = await syncConfig(this.opts.db, config);
    this.policy = config.incidents;
    await this.mode.writer.drain();
    await this.apply(report.monitors);
    this.log(
      `reloaded: ${report.created.length} new, ${report.updated.length} kept, ${report.archived.length} archived, ${report.restored.length} restored`,
    );
    return true;
  }

  /** The config file with the checks only the agent can make (heartbeat schedules); throws a ConfigError. */
  private loadConfig() {
    const env = this.opts.env ?? process.env;
    return checkHeartbeatConfig(loadConfigFile(this.opts.configFile, env), { env });
  }

  private async apply(monitors: SyncedMonitor[]): Promise<void> {
    const enabled = monitors.filter((m) => !m.def.disabledReason);
    for (const m of monitors) if (m.def.disabledReason) this.log(`${m.def.slug} is disabled: ${m.def.disabledReason}`);
    this.defs = new Map(enabled.map((m) => [m.id, m.def]));
    await this.mode.apply(enabled, this.probes);
    const tokens = await syncPingTokens(this.opts.db, enabled, this.opts.env ?? process.env);
    // Never the token itself: it is shown in /admin only.
    for (const slug of tokens.generated) this.log(`${slug}: a ping token was generated; maintainers find its URL in /admin`);
    await this.heartbeats.apply(enabled);
  }

  /** A finished check, from the probe thread (or the loop on this one): counted, then queued for the writer. */
  accept(outcome: CheckOutcome): void {
    this.checks += 1;
    this.lateness.add(outcome.latenessMs);
    this.mode.writer.push(outcome);
  }

  private onCommitted(transitions: CommittedTransition[]): void {
    for (const t of transitions) {
      const def = this.defs.get(t.monitorId);
      this.log(
        `${def?.slug ?? t.monitorId}: ${t.from} -> ${t.to} since ${new Date(t.at).toISOString()}${t.reason ? ` (${t.reason})` : ""}`,
      );
    }
    this.opts.onTransitions?.(transitions);
    this.automation.poke();
  }

  /** PostgreSQL: indexes of partitions no longer written are rebuilt full (store/partitions.ts). */
  private async packPartitions(): Promise<void> {
    const packed = await packClosedPartitions(this.opts.db);
    if (packed.length) this.log(`packed ${packed.length} indexes of closed time partitions`);
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
    if (report.opened.length || report.resolved.length) await announceChange(db, "incident.auto", this.log);
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
      monitors: this.mode.probedCount,
      checks: this.checks,
    };
    await this.opts.db.agent.upsert({ where: { id: this.id }, create: { id: this.id, ...data }, update: data });
  }

  /** Graceful stop: no new checks, running ones finish or time out, all results are written. */
  async stop(): Promise<void> {
    await this.heartbeatJudging.stop();
    await this.automation.stop();
    await this.mode.stopTakingWork();
    await this.housekeeping?.stop();
    await this.probes.stop();
    await this.mode.writer.drain();
    this.mode.writer.close();
    await this.mode.handOver();
    // Changes committed by the last batch become incidents before the process exits.
    await this.automate().catch(() => {});
    await this.outbox?.stop();
    await this.opts.db.agent.delete({ where: { id: this.id } }).catch(() => {});
  }
}
