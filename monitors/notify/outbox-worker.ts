import type { Db } from "../store/client";
import type { NotificationEvent } from "./notification-event";
import { DEFAULT_RETRY_POLICY, nextRetryDelay, type RetryPolicy } from "./retry-schedule";

export interface OutboxDelivery {
  id: number;
  target: string;
  attempt: number;
  channel: { id: number; kind: string; config: unknown; enabled: boolean } | null;
  subscriber: { id: number; email: string; confirmedAt: Date | null; locale: string | null } | null;
  event: NotificationEvent;
}

/** Sends one delivery; throws to fail it (an error with `permanent: true` is not retried, `retryAfterMs` delays the retry). */
export type Deliver = (d: OutboxDelivery) => Promise<void>;

export interface OutboxWorkerOptions {
  deliver: Deliver;
  retry?: RetryPolicy;
  pollMs?: number;
  /** How long a claimed row is reserved for the sender; a crash mid-send makes it due again after this. */
  leaseMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

/**
 * How long a claimed row stays reserved. Longer than any send may take (HTTP gives up after
 * 10 s), short enough that a row claimed by a process that then died goes out again soon,
 * since it also holds back its target's later rows.
 */
export const DEFAULT_LEASE_MS = 20_000;

/** Attempts at recording a delivery as done (100 ms, 200 ms … 1.6 s apart, about 3 s in all). */
const MARK_ATTEMPTS = 6;

interface DeliveryFailure {
  message?: string;
  permanent?: boolean;
  retryAfterMs?: number;
}

/**
 * Delivers the outbox. Rows of one target go out strictly in queue order (a target whose
 * oldest row waits for a retry holds its later rows back), while different targets proceed
 * in parallel, so a slow receiver delays only itself. A row is claimed with a lease before
 * sending, so two workers never send it at once; if the process dies after the receiver got
 * it but before the row is marked, it is sent again with the same event id, which receivers
 * can dedupe on (x-status-delivery).
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  readonly stats = { delivered: 0, failed: 0, retried: 0 };

  constructor(
    private readonly db: Db,
    private readonly opts: OutboxWorkerOptions,
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      await this.runOnce().catch((e) => this.opts.log?.(`outbox: ${(e as Error).message.split("\n")[0]}`));
      if (!this.stopped) this.timer = setTimeout(loop, this.opts.pollMs ?? 1000);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Asks for a pass soon (after something was queued), without waiting for the poll. */
  poke(): void {
    if (this.stopped || this.running) return;
    void this.runOnce().catch(() => {});
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over everything due now. Resolves when those sends have finished. */
  async runOnce(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  private async pass(): Promise<void> {
    const pending = await this.db.outbox.findMany({
      where: { status: "pending" },
      orderBy: { id: "asc" },
      take: 1000,
      select: { id: true, target: true, nextAttemptAt: true },
    });
    const byTarget = new Map<string, typeof pending>();
    for (const row of pending) {
      const list = byTarget.get(row.target) ?? [];
      list.push(row);
      byTarget.set(row.target, list);
    }
    await Promise.all(
      [...byTarget.values()].map(async (rows) => {
        for (const row of rows) {
          if (row.nextAttemptAt.getTime() > this.now()) return; // the oldest waits, so the rest wait
          if (!(await this.sendOne(row.id))) return;
        }
      }),
    );
  }

  /** Claims, sends and records one row; true when the target may go on to its next row. */
  private async sendOne(id: number): Promise<boolean> {
    const now = this.now();
    const lease = new Date(now + (this.opts.leaseMs ?? DEFAULT_LEASE_MS));
    const claimed = await this.db.outbox.updateMany({
      where: { id, status: "pending", nextAttemptAt: { lte: new Date(now) } },
      data: { attempts: { increment: 1 }, nextAttemptAt: lease },
    });
    if (claimed.count !== 1) return false;
    const row = await this.db.outbox.findUniqueOrThrow({
      where: { id },
      include: {
        channel: { select: { id: true, kind: true, config: true, enabled: true } },
        subscriber: { select: { id: true, email: true, confirmedAt: true, locale: true } },
      },
    });
    try {
      await this.opts.deliver({
        id,
        target: row.target,
        attempt: row.attempts,
        channel: row.channel,
        subscriber: row.subscriber,
        event: row.payload as unknown as NotificationEvent,
      });
    } catch (e) {
      const f = e as DeliveryFailure;
      const message = (f.message ?? String(e)).split("\n")[0].slice(0, 500);
      const delay = f.permanent ? null : nextRetryDelay(row.attempts, this.opts.retry ?? DEFAULT_RETRY_POLICY, f.retryAfterMs);
      if (delay === null) {
        await this.db.outbox.update({ where: { id }, data: { status: "failed", lastError: message } });
        this.stats.failed += 1;
        this.opts.log?.(`outbox: ${row.eventKey} to ${row.target} failed for good after ${row.attempts} attempt(s): ${message}`);
      } else {
        await this.db.outbox.update({ where: { id }, data: { nextAttemptAt: new Date(this.now() + delay), lastError: message } });
        this.stats.retried += 1;
      }
      return false;
    }
    // The receiver has it now: a failed mark (SQLite busy) would send it again when the lease
    // runs out, so the mark is retried for a while before giving up.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.outbox.update({ where: { id }, data: { status: "delivered", deliveredAt: new Date(this.now()), lastError: null } });
        break;
      } catch (e) {
        if (attempt >= MARK_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
    this.stats.delivered += 1;
    return true;
  }
}
