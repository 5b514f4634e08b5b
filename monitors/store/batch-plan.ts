import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import { evaluate, type ConfirmCounts, type Effective, type HysteresisState, type Transition } from "../state/hysteresis";
import type { ProbeResult } from "../probes/types";
import { RollupDeltas } from "./rollup-delta";
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
export function planBatch(batch: CheckOutcome[], states: Map<number, LiveState>, isUnderMaintenance?: (monitorId: number, slot: number) => boolean): BatchPlan {
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
  return { rows, corrections, deltas, transitions, nextStates, skippedDuplicates };
}

/**
 * The statements that store a plan: raw results, corrections of earlier slots, rollup counters,
 * state changes and monitor states. Run them in one transaction, so a crash at any point leaves
 * them consistent with each other.
 */
export function batchStatements(db: Db | Prisma.TransactionClient, plan: BatchPlan): Prisma.PrismaPromise<unknown>[] {
  const ops: Prisma.PrismaPromise<unknown>[] = [...resultInsertStatements(db, plan.rows)];
  for (const c of plan.corrections) {
    ops.push(db.checkResult.updateMany({ where: { monitorId: c.monitorId, region: c.region, slot: new Date(c.slot) }, data: { effective: c.to } }));
  }
  ops.push(...rollupUpsertStatements(db, plan.deltas.values()));
  if (plan.transitions.length) {
    ops.push(
      db.stateChange.createMany({
        data: plan.transitions.map((t) => ({ monitorId: t.monitorId, region: t.region, fromStatus: t.from, toStatus: t.to, at: new Date(t.at), confirmedAt: new Date(t.confirmedAt), reason: t.reason?.slice(0, 300) ?? null })),
      }),
    );
  }
  for (const [monitorId, s] of plan.nextStates) {
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
  return ops;
}
