import type { Env } from "../config/secrets";
import type { MonitorDefinition } from "../config/load";
import { runProbe, type RunProbeOptions } from "../probes/run-probe";
import type { CheckOutcome } from "../store/result-writer";
import { Scheduler, type SlotRun } from "../schedule/scheduler";
import { leaseAllowsCheck } from "../regions/lease-validity";

/** A monitor the loop may probe, as the store side hands it over. */
export interface ProbeAssignment {
  id: number;
  def: MonitorDefinition;
}

/**
 * What the store side (config, leases, writer) asks of whoever runs the checks: the loop itself
 * when both run on one thread (tests), or a message port to the probe thread (the agent process).
 */
export interface ProbeControl {
  /** The monitors this agent probes. `leased`: only those in the latest setLeases, and only while valid. */
  setAssignments(list: ProbeAssignment[], leased: boolean): void;
  /**
   * Monitor id -> until when (epoch ms) checks of it may start; replaces the previous set.
   * `claimedAt`: when the lease pass that produced them ran (Scheduler.setMonitors' heldSince).
   */
  setLeases(validUntil: ReadonlyMap<number, number>, claimedAt?: number): void;
  start(): void;
  /** No new checks; resolves once running ones have ended and their outcomes were emitted. */
  stop(): Promise<void>;
}

export interface ProbeLoopOptions {
  concurrency: number;
  region: string;
  env?: Env;
  probeOptions?: RunProbeOptions;
  /** Receives every finished check, with the lateness and timings the probe took on this thread. */
  emit: (outcome: CheckOutcome) => void;
}

/**
 * The scheduler and the probes, and nothing else: no database call, rollup, incident logic or
 * notification ever runs on the thread that starts checks and stamps their timings, so none of
 * them can make a slot start late or a response look slow.
 */
export class ProbeLoop implements ProbeControl {
  private defs = new Map<number, MonitorDefinition>();
  private leased = false;
  private leases: ReadonlyMap<number, number> = new Map();
  private readonly scheduler: Scheduler;
  /** Set while the writer is too far behind: slots pass without a check instead of piling up results. */
  private holding = false;
  /** Once stopped, stays stopped: a store thread that (re)starts during shutdown asks for start() again. */
  private ended = false;
  readonly stats = { checks: 0, heldSlots: 0, leaseExpiredSlots: 0 };

  constructor(private readonly opts: ProbeLoopOptions) {
    this.scheduler = new Scheduler({ concurrency: opts.concurrency, run: (run, signal) => this.check(run, signal) });
  }

  get schedulerStats() {
    return this.scheduler.stats;
  }

  setAssignments(list: ProbeAssignment[], leased: boolean): void {
    this.defs = new Map(list.map((a) => [a.id, a.def]));
    this.leased = leased;
    this.reschedule();
  }

  setLeases(validUntil: ReadonlyMap<number, number>, claimedAt?: number): void {
    this.leases = validUntil;
    this.reschedule(claimedAt);
  }

  /** Back-pressure from the writer: while held, due slots are skipped (and counted), not queued. */
  hold(on: boolean): void {
    this.holding = on;
  }

  start(): void {
    if (!this.ended) this.scheduler.start();
  }

  async stop(): Promise<void> {
    this.ended = true;
    await this.scheduler.stop();
  }

  private reschedule(heldSince?: number): void {
    const list = [];
    for (const [id, def] of this.defs) {
      if (this.leased && !this.leases.has(id)) continue;
      list.push({ id, intervalMs: def.intervalMs, phaseMs: def.phaseMs });
    }
    this.scheduler.setMonitors(list, heldSince);
  }

  private async check(run: SlotRun, signal: AbortSignal): Promise<void> {
    const def = this.defs.get(run.monitorId);
    if (!def) return;
    // A lease not renewed in time may be another agent's by now: the slot is left to it.
    if (this.leased && !leaseAllowsCheck(this.leases, run.monitorId)) {
      this.stats.leaseExpiredSlots += 1;
      return;
    }
    if (this.holding) {
      this.stats.heldSlots += 1;
      return;
    }
    this.stats.checks += 1;
    const result = await runProbe(def, { ...this.opts.probeOptions, shutdown: signal, env: this.opts.env, region: this.opts.region });
    this.opts.emit({ monitorId: run.monitorId, region: this.opts.region, slot: run.slot, latenessMs: run.latenessMs, result });
  }
}
