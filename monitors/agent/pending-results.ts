import type { CheckOutcome } from "../store/result-writer";

export interface NumberedOutcome extends CheckOutcome {
  /** Order of the outcome on the probe thread; the writer acknowledges commits by it. */
  seq: number;
}

/**
 * Outcomes the probe thread has handed to the writer and the writer has not yet committed, in order.
 *
 * They stay here until the writer acknowledges them, so a writer that dies with a batch in its hands
 * is given the same outcomes again when it restarts. Its start reads each monitor's last stored slot
 * (and region checks insert with ON CONFLICT DO NOTHING), so an outcome it had committed just before
 * dying is skipped rather than counted twice: each is written exactly once.
 *
 * The buffer is bounded: past `limit`, `overLimit` turns true until the writer has worked it down to
 * half, and the caller stops starting checks meanwhile (back-pressure) instead of growing without end.
 */
export class PendingResults {
  private items: NumberedOutcome[] = [];
  /** Index of the first item not yet handed to the current writer. */
  private unsent = 0;
  private nextSeq = 1;
  private over = false;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.items.length;
  }

  get overLimit(): boolean {
    return this.over;
  }

  add(outcome: CheckOutcome): NumberedOutcome {
    const numbered = { ...outcome, seq: this.nextSeq++ };
    this.items.push(numbered);
    if (this.items.length >= this.limit) this.over = true;
    return numbered;
  }

  /** Outcomes not yet handed to the writer, marked as handed. */
  takeUnsent(max = Infinity): NumberedOutcome[] {
    const end = Math.min(this.items.length, this.unsent + max);
    const out = this.items.slice(this.unsent, end);
    this.unsent = end;
    return out;
  }

  /** The writer committed everything up to `seq`: forget it. */
  ack(seq: number): void {
    let n = 0;
    while (n < this.items.length && this.items[n].seq <= seq) n += 1;
    if (!n) return;
    this.items.splice(0, n);
    this.unsent = Math.max(0, this.unsent - n);
    if (this.over && this.items.length <= this.limit / 2) this.over = false;
  }

  /** A new writer knows nothing: everything still here goes to it again, in order. */
  resendAll(): void {
    this.unsent = 0;
  }
}
