import type { Db } from "./client";
import { firstLine } from "./error-text";
import { batchStatements, planBatch, type CheckOutcome, type CommittedTransition, type LiveState } from "./batch-plan";

export type { CheckOutcome, CommittedTransition, LiveState } from "./batch-plan";

export interface ResultWriterOptions {
  region?: string;
  /** How long results wait for company before a flush. Off the probe's timing path either way. */
  flushDelayMs?: number;
  maxBatch?: number;
  isUnderMaintenance?: (monitorId: number, slot: number) => boolean;
  onCommitted?: (transitions: CommittedTransition[]) => void;
  log?: (line: string) => void;
}

const MAX_RETRY_DELAY_MS = 5000;

/**
 * Writes results in batches. One transaction per batch holds the raw results, the
 * rollup counters, hysteresis corrections, state changes and the monitors' states,
 * so a crash at any point leaves them consistent with each other.
 */
export class ResultWriter {
  private queue: CheckOutcome[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  readonly stats = { written: 0, batches: 0, retries: 0, skippedDuplicates: 0 };

  constructor(
    protected readonly db: Db,
    private readonly states: Map<number, LiveState>,
    private readonly opts: ResultWriterOptions = {},
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  push(outcome: CheckOutcome): void {
    this.queue.push(outcome);
    if (this.queue.length >= (this.opts.maxBatch ?? 500)) this.schedule(0);
    else this.schedule(this.opts.flushDelayMs ?? 200);
  }

  private schedule(delay: number): void {
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
  }

  /** Writes everything queued so far; resolves when it is committed (or retried until it is). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.queue.length) return;
    const batch = this.queue.splice(0, this.opts.maxBatch ?? 500);
    this.flushing = this.writeBatch(batch)
      .then(() => {
        this.failures = 0;
      })
      .catch((err) => {
        // Keep the batch, in order, and try again: SQLite busy or a lost connection must not lose results.
        this.queue.unshift(...batch);
        this.failures += 1;
        this.stats.retries += 1;
        this.opts.log?.(`result write failed (attempt ${this.failures}), retrying: ${firstLine(err)}`);
        const delay = Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** this.failures);
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.flush();
        }, delay);
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
    if (this.queue.length && this.failures === 0) await this.flush();
  }

  /** Flushes until empty, retrying through transient errors, up to `deadlineMs`. */
  async drain(deadlineMs = 30_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    while ((this.queue.length || this.flushing) && Date.now() < until) {
      await this.flush();
      if (this.queue.length && this.failures) await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  protected async writeBatch(batch: CheckOutcome[]): Promise<void> {
    const plan = planBatch(batch, this.states, this.opts.isUnderMaintenance);
    this.stats.skippedDuplicates += plan.skippedDuplicates;
    if (!plan.rows.length) return;
    await this.db.$transaction(batchStatements(this.db, plan));
    for (const [monitorId, s] of plan.nextStates) this.states.set(monitorId, { hysteresis: s.hysteresis, lastSlot: s.lastSlot, confirm: s.confirm });
    this.stats.written += plan.rows.length;
    this.stats.batches += 1;
    if (plan.transitions.length) this.opts.onCommitted?.(plan.transitions);
  }
}
