import { setMaxListeners } from "node:events";
import { MinHeap } from "./min-heap";
import { Semaphore } from "./semaphore";
import { nextSlotAfter, slotContaining } from "./slots";
import { preciseNow } from "./clock";

export interface SchedulableMonitor {
  id: number;
  intervalMs: number;
  phaseMs: number;
}

export interface SlotRun {
  monitorId: number;
  slot: number;
  startedAt: number;
  latenessMs: number;
}

/**
 * How long a check holds its place under the concurrency cap. A check still running after this is
 * waiting on a slow or hung target, which costs a socket and no CPU: it runs on to its own timeout
 * but gives its place back, so checks against a black hole cannot hold the cap for their whole
 * timeout and queue healthy monitors' slots behind them. Healthy checks finish well within it.
 */
export const PARK_AFTER_MS = 250;

export interface SchedulerOptions {
  /** Checks that may be starting at once: each counts until it ends or has run for parkAfterMs. */
  concurrency: number;
  parkAfterMs?: number;
  run: (run: SlotRun, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  onSkip?: (monitorId: number, slot: number, reason: string) => void;
}

/**
 * Fires each monitor at its aligned slots from one timer over a min-heap.
 * node-cron resolves to whole seconds, which cannot express per-monitor phase offsets in
 * milliseconds, so cron drives housekeeping and this drives checks.
 */
export class Scheduler {
  private readonly heap = new MinHeap<number>();
  private readonly monitors = new Map<number, SchedulableMonitor & { next: number }>();
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly semaphore: Semaphore;
  private readonly now: () => number;
  private readonly shutdown = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  readonly stats = { started: 0, skippedBusy: 0, parked: 0 };

  constructor(private readonly opts: SchedulerOptions) {
    this.semaphore = new Semaphore(opts.concurrency);
    this.now = opts.now ?? preciseNow;
    // Every running check listens for shutdown; more than ten at once is normal, not a leak.
    setMaxListeners(0, this.shutdown.signal);
  }

  get shutdownSignal(): AbortSignal {
    return this.shutdown.signal;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Replaces the monitor set; monitors whose interval and phase are unchanged keep their next slot.
   * `heldSince`: when this agent took the new monitors (a lease claim); see firstSlot.
   */
  setMonitors(list: SchedulableMonitor[], heldSince?: number): void {
    const now = this.now();
    const next = new Map<number, SchedulableMonitor & { next: number }>();
    for (const m of list) {
      const prev = this.monitors.get(m.id);
      const keep = prev && prev.intervalMs === m.intervalMs && prev.phaseMs === m.phaseMs;
      next.set(m.id, { ...m, next: keep ? prev.next : firstSlot(now, m, heldSince) });
    }
    this.monitors.clear();
    for (const [id, m] of next) this.monitors.set(id, m);
    this.rebuildHeap();
  }

  private rebuildHeap(): void {
    while (this.heap.pop());
    for (const m of this.monitors.values()) this.heap.push(m.next, m.id);
    if (this.running) this.arm();
  }

  start(): void {
    this.running = true;
    this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const top = this.heap.peek();
    if (!top || !this.running) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, top.key - this.now()));
  }

  private fire(): void {
    this.timer = null;
    const now = this.now();
    for (let top = this.heap.peek(); top && top.key <= now; top = this.heap.peek()) {
      this.heap.pop();
      const m = this.monitors.get(top.value);
      if (!m || m.next !== top.key) continue; // stale entry after setMonitors
      const slot = m.next;
      m.next = nextSlotAfter(Math.max(now, slot), m.intervalMs, m.phaseMs);
      this.heap.push(m.next, m.id);
      if (this.inFlight.has(m.id)) {
        // Never overlap one monitor with itself: the slot is left without data, not run late.
        this.stats.skippedBusy += 1;
        this.opts.onSkip?.(m.id, slot, "previous check still running");
        continue;
      }
      const p = this.execute(m.id, slot).finally(() => this.inFlight.delete(m.id));
      this.inFlight.set(m.id, p);
    }
    this.arm();
  }

  private async execute(monitorId: number, slot: number): Promise<void> {
    await this.semaphore.acquire();
    let holding = true;
    const release = () => {
      if (!holding) return;
      holding = false;
      this.semaphore.release();
    };
    // Parked checks need no cap of their own: a monitor never overlaps itself and every check ends at its timeout.
    const park = setTimeout(() => {
      this.stats.parked += 1;
      release();
    }, this.opts.parkAfterMs ?? PARK_AFTER_MS);
    try {
      // A check still queued when stop() was called is a new check, not a running one: it does not start.
      if (this.shutdown.signal.aborted || !this.running) return;
      const startedAt = this.now();
      this.stats.started += 1;
      await this.opts.run({ monitorId, slot, startedAt, latenessMs: startedAt - slot }, this.shutdown.signal);
    } catch {
      // run() reports its own errors; the schedule must go on regardless.
    } finally {
      clearTimeout(park);
      release();
    }
  }

  /** Stops firing new slots and waits for running checks to finish or time out. */
  async stop(abortRunning = false): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (abortRunning) this.shutdown.abort();
    await Promise.allSettled([...this.inFlight.values()]);
  }
}

/**
 * The first slot of a monitor joining the set at `now`: the next one, unless the agent has held it
 * since before the current slot began. A lease is claimed on the store thread and reaches the probe
 * thread a moment later; a slot that started in between is this agent's and nobody else's, so it
 * is run at once (late by that moment, and recorded so). A monitor handed over by another agent was
 * claimed after its current slot began (lease-manager.ts), so that slot is never run twice.
 */
export function firstSlot(now: number, m: SchedulableMonitor, heldSince?: number): number {
  const current = slotContaining(now, m.intervalMs, m.phaseMs);
  return heldSince !== undefined && current >= heldSince ? current : nextSlotAfter(now, m.intervalMs, m.phaseMs);
}
