/**
 * The confirmed-state machine of DESIGN.md, as a pure function.
 *
 * A slot's *effective* status is what uptime counts. An unconfirmed failure counts as
 * the confirmed (good) state; once `confirm.down` failures in a row confirm an outage,
 * the outage starts at the first of them and those earlier slots are corrected to down.
 * Recovery is symmetric: `confirm.up` good slots in a row end the outage at the first of them.
 */
import type { Confirmed, Effective, Observed } from "../core/status";

export interface PendingSlot {
  slot: number;
  observed: Observed;
  /** What the slot was counted as when written. */
  counted: Effective;
}

export interface HysteresisState {
  status: Confirmed;
  since: number | null;
  /** The current run of slots that disagree with `status`, all pointing at the same target. */
  pending: PendingSlot[];
}

export interface Transition {
  from: Confirmed;
  to: Observed;
  /** First slot of the run that caused it. */
  at: number;
  /** The slot that confirmed it. */
  confirmedAt: number;
}

export interface Correction {
  slot: number;
  from: Effective;
  to: Effective;
}

export interface Evaluation {
  state: HysteresisState;
  effective: Effective;
  corrections: Correction[];
  transition?: Transition;
}

export interface ConfirmCounts {
  down: number;
  up: number;
}

export const INITIAL_STATE: HysteresisState = { status: "unknown", since: null, pending: [] };

type Target = "down" | "recover" | "to-up" | "to-degraded" | null;

function targetOf(status: Confirmed, observed: Observed): Target {
  if (status === "down") return observed === "down" ? null : "recover";
  if (observed === "down") return "down";
  if (observed === status) return null;
  return observed === "up" ? "to-up" : "to-degraded";
}

function targetOfRun(status: Confirmed, run: PendingSlot[]): Target {
  return run.length ? targetOf(status, run[0].observed) : null;
}

export function evaluate(state: HysteresisState, slot: number, observed: Observed, confirm: ConfirmCounts): Evaluation {
  // A new monitor adopts its first good status at once; a first failure still needs confirming.
  if (state.status === "unknown" && observed !== "down") {
    return {
      state: { status: observed, since: slot, pending: [] },
      effective: observed,
      // Failures seen before it were never confirmed: they stay counted as up.
      corrections: [],
      transition: { from: "unknown", to: observed, at: slot, confirmedAt: slot },
    };
  }

  const target = targetOf(state.status, observed);
  const counted: Effective =
    state.status === "down" ? "down" : observed === "down" ? (state.status === "degraded" ? "degraded" : "up") : observed;
  if (target === null) {
    return { state: { ...state, pending: [] }, effective: counted, corrections: [] };
  }

  const run = targetOfRun(state.status, state.pending) === target ? [...state.pending] : [];
  run.push({ slot, observed, counted });
  const needed = target === "down" || target === "to-degraded" ? confirm.down : confirm.up;
  if (run.length < needed) {
    return { state: { ...state, pending: run }, effective: counted, corrections: [] };
  }

  const to: Observed = target === "down" ? "down" : observed;
  const corrections: Correction[] = [];
  let effective = counted;
  for (const p of run) {
    const final: Effective = target === "down" ? "down" : p.observed;
    if (p.slot === slot) effective = final;
    else if (p.counted !== final) corrections.push({ slot: p.slot, from: p.counted, to: final });
  }
  return {
    state: { status: to, since: run[0].slot, pending: [] },
    effective,
    corrections,
    transition: { from: state.status, to, at: run[0].slot, confirmedAt: slot },
  };
}
