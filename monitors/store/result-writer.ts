import type { Db } from "./client";
import { planBatch, type CheckOutcome, type CommittedTransition, type LiveState } from "../evaluate/batch-plan";
import { batchStatements, writeBatchPg } from "./batch-statements";
import { pgPoolOf, pgTransaction } from "./pg-direct";
import { BatchQueue, type BatchQueueOptions } from "./batch-queue";

export type { CheckOutcome, CommittedTransition, LiveState } from "../evaluate/batch-plan";

export interface SlotResultOptions {
  isUnderMaintenance?: (monitorId: number, slot: number) => boolean;
  onCommitted?: (transitions: CommittedTransition[]) => void;
}

export interface SlotResultCounts {
  written: number;
  batches: number;
  /** Outcomes of slots already stored (a restarted writer given them again). */
  skippedDuplicates: number;
}

/**
 * Stores a batch of slot results: one transaction holds the raw results, the rollup counters,
 * hysteresis corrections, state changes and the monitors' states, so a crash at any point leaves
 * them consistent with each other. `states` follows what was committed.
 */
export function writeSlotResults(db: Db, states: Map<number, LiveState>, opts: SlotResultOptions, counts: SlotResultCounts) {
  return async (batch: CheckOutcome[]): Promise<void> => {
    const plan = planBatch(batch, states, opts.isUnderMaintenance);
    counts.skippedDuplicates += plan.skippedDuplicates;
    if (!plan.rows.length) return;
    const pool = pgPoolOf(db);
    if (pool) await pgTransaction(pool, (s) => writeBatchPg(s, plan));
    else await db.$transaction(batchStatements(db, plan));
    for (const [monitorId, s] of plan.nextStates)
      states.set(monitorId, { hysteresis: s.hysteresis, lastSlot: s.lastSlot, confirm: s.confirm });
    counts.written += plan.rows.length;
    counts.batches += 1;
    if (plan.transitions.length) opts.onCommitted?.(plan.transitions);
  };
}

export type ResultWriter = BatchQueue<CheckOutcome> & { readonly counts: SlotResultCounts };

/** The single agent's writer: slot results, batched and retried until stored. */
export function resultWriter(
  db: Db,
  states: Map<number, LiveState>,
  opts: SlotResultOptions & Omit<BatchQueueOptions<CheckOutcome>, "what"> = {},
): ResultWriter {
  const counts: SlotResultCounts = { written: 0, batches: 0, skippedDuplicates: 0 };
  return Object.assign(new BatchQueue(writeSlotResults(db, states, opts, counts), { what: "result", ...opts }), { counts });
}
