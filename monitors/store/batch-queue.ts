import { firstLine } from "../core/error-text";

export interface BatchQueueOptions<T> {
  /** What is written, for log lines ("result", "region check"). */
  what: string;
  /** How long items wait for company before a flush. Off the probe's timing path either way. */
  flushDelayMs?: number;
  maxBatch?: number;
  /** After each batch is stored (or found stored already): the probe thread may forget it then. */
  onWritten?: (batch: T[]) => void;
  log?: (line: string) => void;
}

const MAX_RETRY_DELAY_MS = 5000;

/**
 * Items written in batches by a write function, in order, retried with backoff until they are
 * stored: SQLite busy or a lost connection must not lose results.
 */
export class BatchQueue<T> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  readonly stats = { retries: 0 };

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly opts: BatchQueueOptions<T>,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  push(item: T): void {
    this.queue.push(item);
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
    this.flushing = this.write(batch)
      .then(() => {
        this.failures = 0;
        try {
          this.opts.onWritten?.(batch);
        } catch (err) {
          // The batch is stored: a failing listener must not make it look unwritten and retried.
          this.opts.log?.(`after a ${this.opts.what} write: ${firstLine(err)}`);
        }
      })
      .catch((err) => {
        // Keep the batch, in order, and try again.
        this.queue.unshift(...batch);
        this.failures += 1;
        this.stats.retries += 1;
        this.opts.log?.(`${this.opts.what} write failed (attempt ${this.failures}), retrying: ${firstLine(err)}`);
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
}
