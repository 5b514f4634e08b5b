import { evaluate, type ConfirmCounts, type HysteresisState, type Transition } from "./hysteresis";
import type { Effective } from "../core/status";
import type { ProbeResult } from "../core/probe-result";
import { RollupDeltas } from "./rollup-delta";
import { storedErrorText } from "../core/error-text";

/** One raw result as stored: the plan's rows, written by store/result-insert. */
export interface ResultRow {
  monitorId: number;
  slot: number;
  region: string;
  latenessMs: number;
  status: string;
  effective: string;
  totalMs: number | null;
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  firstByteMs: number | null;
  errorClass: string | null;
  error: string | null;
  details: Record<string, unknown> | null;
}

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

/** What one batch of slot results changes: rows, hysteresis corrections, rollups, transitions, states. */
export interface BatchPlan {
  rows: ResultRow[];
  corrections: Array<{ monitorId: number; region: string; slot: number; to: Effective }>;
  deltas: RollupDeltas;
  transitions: CommittedTransition[];
  nextStates: Map<number, LiveState & { last: CheckOutcome }>;
  skippedDuplicates: number;
}

/**
 * Runs each slot through its monitor's hysteresis, in slot order, starting from `states`.
 * Pure: the caller writes the plan (batchStatements) and then adopts nextStates.
 */
export function planBatch(
  batch: CheckOutcome[],
  states: Map<number, LiveState>,
  isUnderMaintenance?: (monitorId: number, slot: number) => boolean,
): BatchPlan {
  const deltas = new RollupDeltas();
  const rows: ResultRow[] = [];
  const rowIndex = new Map<string, number>();
  const corrections: BatchPlan["corrections"] = [];
  const transitions: CommittedTransition[] = [];
  const nextStates = new Map<number, LiveState & { last: CheckOutcome }>();
  let skippedDuplicates = 0;

  for (const o of [...batch].sort((a, b) => a.slot - b.slot)) {
    const prev = nextStates.get(o.monitorId) ?? states.get(o.monitorId);
    if (!prev) continue; // monitor archived since the check started
    if (prev.lastSlot !== null && o.slot <= prev.lastSlot) {
      skippedDuplicates += 1;
      continue;
    }
    let hysteresis = prev.hysteresis;
    let effective: Effective;
    if (isUnderMaintenance?.(o.monitorId, o.slot)) {
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
    const totalMs = o.result.untimed ? null : o.result.phases.totalMs;
    deltas.addSlot(o.monitorId, o.slot, effective, answered ? totalMs : null);
    rowIndex.set(`${o.monitorId}|${o.slot}`, rows.length);
    const p = o.result.phases;
    rows.push({
      monitorId: o.monitorId,
      slot: o.slot,
      region: o.region,
      latenessMs: o.latenessMs,
      status: o.result.status,
      effective,
      totalMs,
      dnsMs: p.dnsMs ?? null,
      connectMs: p.connectMs ?? null,
      tlsMs: p.tlsMs ?? null,
      firstByteMs: p.firstByteMs ?? null,
      errorClass: o.result.errorClass ?? null,
      error: storedErrorText(o.result.error),
      details: o.result.details,
    });
    nextStates.set(o.monitorId, { hysteresis, lastSlot: o.slot, confirm: prev.confirm, last: o });
  }
  return { rows, corrections, deltas, transitions, nextStates, skippedDuplicates };
}
