import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import { evaluate, type ConfirmCounts, type Effective, type HysteresisState, type Transition } from "../state/hysteresis";
import type { ProbeResult } from "../probes/types";
import { RollupDeltas } from "./rollup-delta";
import { firstLine } from "./error-text";
import { rollupUpsertStatements } from "./rollup-upsert";
import { resultInsertStatements, type ResultRow } from "./result-insert";

export interface CheckOutcome {
  monitorId: number;
  region: string;
  slot: number;
  latenessMs: number;
  result: ProbeResult;
}

export interface LiveState {
  hysteresis: HysteresisState;
  lastSlot: number | null;
  confirm: ConfirmCounts;
}

export interface CommittedTransition extends Transition {
  monitorId: number;
  region: string;
  reason?: string;
}

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
    private readonly db: Db,
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

  private async writeBatch(batch: CheckOutcome[]): Promise<void> {
    const deltas = new RollupDeltas();
    const rows: ResultRow[] = [];
    const rowIndex = new Map<string, number>();
    const corrections: Array<{ monitorId: number; region: string; slot: number; to: Effective }> = [];
    const transitions: CommittedTransition[] = [];
    const nextStates = new Map<number, LiveState & { last: CheckOutcome }>();

    for (const o of [...batch].sort((a, b) => a.slot - b.slot)) {
      const prev = nextStates.get(o.monitorId) ?? this.states.get(o.monitorId);
      if (!prev) continue; // monitor archived since the check started
      if (prev.lastSlot !== null && o.slot <= prev.lastSlot) {
        this.stats.skippedDuplicates += 1;
        continue;
      }
      let hysteresis = prev.hysteresis;
      let effective: Effective;
      if (this.opts.isUnderMaintenance?.(o.monitorId, o.slot)) {
        effective = "maintenance";
      } else {
        const ev = evaluate(prev.hysteresis, o.slot, o.result.status, prev.confirm);
        hysteresis = ev.state;
        effective = ev.effective;
        for (const c of ev.corrections) {
          const idx = rowIndex.get(`${o.monitorId}|${c.slot}`);
          if (idx !== undefined) rows[idx].effective = c.to;
          else corrections.push({ monitorId: o.monitorId, region: o.region, slot: c.slot, to: c.to });
          deltas.moveSlot(o.monitorId, c.slot, c.from, c.to);
        }
        if (ev.transition) transitions.push({ ...ev.transition, monitorId: o.monitorId, region: o.region, reason: o.result.error });
      }
      const answered = o.result.status !== "down";
      deltas.addSlot(o.monitorId, o.slot, effective, answered ? o.result.phases.totalMs : null);
      rowIndex.set(`${o.monitorId}|${o.slot}`, rows.length);
      const p = o.result.phases;
      rows.push({
        monitorId: o.monitorId,
        slot: o.slot,
        region: o.region,
        latenessMs: o.latenessMs,
        status: o.result.status,
        effective,
        totalMs: p.totalMs,
        dnsMs: p.dnsMs ?? null,
        connectMs: p.connectMs ?? null,
        tlsMs: p.tlsMs ?? null,
        firstByteMs: p.firstByteMs ?? null,
        errorClass: o.result.errorClass ?? null,
        error: o.result.error?.slice(0, 300) ?? null,
        details: o.result.details,
      });
      nextStates.set(o.monitorId, { hysteresis, lastSlot: o.slot, confirm: prev.confirm, last: o });
    }
    if (!rows.length) return;

    const db = this.db;
    const ops: Prisma.PrismaPromise<unknown>[] = [...resultInsertStatements(db, rows)];
    for (const c of corrections) {
      ops.push(db.checkResult.updateMany({ where: { monitorId: c.monitorId, region: c.region, slot: new Date(c.slot) }, data: { effective: c.to } }));
    }
    ops.push(...rollupUpsertStatements(db, deltas.values()));
    if (transitions.length) {
      ops.push(
        db.stateChange.createMany({
          data: transitions.map((t) => ({ monitorId: t.monitorId, region: t.region, fromStatus: t.from, toStatus: t.to, at: new Date(t.at), confirmedAt: new Date(t.confirmedAt), reason: t.reason?.slice(0, 300) ?? null })),
        }),
      );
    }
    for (const [monitorId, s] of nextStates) {
      const r = s.last.result;
      const data = {
        status: s.hysteresis.status,
        since: s.hysteresis.since === null ? null : new Date(s.hysteresis.since),
        lastSlot: new Date(s.lastSlot!),
        lastStatus: r.status,
        lastLatencyMs: r.status === "down" ? null : r.phases.totalMs,
        lastLatenessMs: s.last.latenessMs,
        lastError: r.error?.slice(0, 300) ?? null,
        pending: s.hysteresis.pending as unknown as Prisma.InputJsonValue,
        ...(r.certExpiresAt ? { certExpiresAt: r.certExpiresAt } : {}),
      };
      ops.push(db.monitorState.upsert({ where: { monitorId }, create: { monitorId, ...data }, update: data }));
    }
    await db.$transaction(ops);

    for (const [monitorId, s] of nextStates) this.states.set(monitorId, { hysteresis: s.hysteresis, lastSlot: s.lastSlot, confirm: s.confirm });
    this.stats.written += rows.length;
    this.stats.batches += 1;
    if (transitions.length) this.opts.onCommitted?.(transitions);
  }
}
