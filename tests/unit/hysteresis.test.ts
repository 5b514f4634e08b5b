import { describe, expect, it } from "vitest";
import { evaluate, INITIAL_STATE, type HysteresisState, type Transition } from "@/monitors/evaluate/hysteresis";
import type { Effective, Observed } from "@/monitors/core/status";

/** Feeds a sequence of observations (one per slot, slots 0,1,2…) and applies corrections like the writer does. */
function run(observed: Observed[], confirm = { down: 2, up: 2 }) {
  let state: HysteresisState = INITIAL_STATE;
  const effective: Effective[] = [];
  const transitions: Transition[] = [];
  observed.forEach((o, slot) => {
    const ev = evaluate(state, slot, o, confirm);
    for (const c of ev.corrections) {
      expect(effective[c.slot]).toBe(c.from);
      effective[c.slot] = c.to;
    }
    effective[slot] = ev.effective;
    if (ev.transition) transitions.push(ev.transition);
    state = ev.state;
  });
  return { state, effective, transitions };
}

describe("hysteresis", () => {
  it("a new monitor adopts its first good result", () => {
    const r = run(["up"]);
    expect(r.state.status).toBe("up");
    expect(r.transitions).toEqual([{ from: "unknown", to: "up", at: 0, confirmedAt: 0 }]);
  });

  it("a single failed slot is never confirmed and counts as up", () => {
    const r = run(["up", "down", "up", "up"]);
    expect(r.state.status).toBe("up");
    expect(r.effective).toEqual(["up", "up", "up", "up"]);
    expect(r.transitions).toHaveLength(1);
  });

  it("two failures confirm an outage that starts at the first one", () => {
    const r = run(["up", "down", "down", "down"]);
    expect(r.state.status).toBe("down");
    expect(r.effective).toEqual(["up", "down", "down", "down"]);
    expect(r.transitions[1]).toEqual({ from: "up", to: "down", at: 1, confirmedAt: 2 });
  });

  it("recovery needs confirm.up successes and starts at the first of them", () => {
    const r = run(["up", "down", "down", "up", "down", "up", "up", "up"]);
    // slot 3 is a lone success inside the outage: it stays down.
    expect(r.effective).toEqual(["up", "down", "down", "down", "down", "up", "up", "up"]);
    expect(r.transitions.map((t) => [t.from, t.to, t.at, t.confirmedAt])).toEqual([
      ["unknown", "up", 0, 0],
      ["up", "down", 1, 2],
      ["down", "up", 5, 6],
    ]);
  });

  it("honours per-monitor counts", () => {
    const r = run(["up", "down", "down", "down", "up", "up"], { down: 3, up: 1 });
    expect(r.transitions.map((t) => [t.to, t.at, t.confirmedAt])).toEqual([
      ["up", 0, 0],
      ["down", 1, 3],
      ["up", 4, 4],
    ]);
    expect(r.effective).toEqual(["up", "down", "down", "down", "up", "up"]);
  });

  it("degraded counts as good but is confirmed like a failure", () => {
    const r = run(["up", "degraded", "up", "degraded", "degraded", "down", "degraded"]);
    expect(r.transitions.map((t) => [t.from, t.to, t.at])).toEqual([
      ["unknown", "up", 0],
      ["up", "degraded", 3],
    ]);
    // A lone failure while degraded counts as degraded, not down.
    expect(r.effective).toEqual(["up", "degraded", "up", "degraded", "degraded", "degraded", "degraded"]);
  });

  it("recovering from down into degraded keeps each slot's own good status", () => {
    const r = run(["up", "down", "down", "degraded", "up"]);
    expect(r.state.status).toBe("up");
    expect(r.effective).toEqual(["up", "down", "down", "degraded", "up"]);
  });

  it("a new monitor that starts failing is confirmed down from its first slot", () => {
    const r = run(["down", "down", "down"]);
    expect(r.transitions).toEqual([{ from: "unknown", to: "down", at: 0, confirmedAt: 1 }]);
    expect(r.effective).toEqual(["down", "down", "down"]);
  });

  it("an interrupted run starts counting again", () => {
    const r = run(["up", "down", "up", "down", "up", "down"]);
    expect(r.state.status).toBe("up");
    expect(r.transitions).toHaveLength(1);
  });

  it("is resumable from stored state (restart) without a new transition", () => {
    const first = run(["up", "up", "down"]);
    const restored: HysteresisState = JSON.parse(JSON.stringify(first.state));
    const ev = evaluate(restored, 3, "down", { down: 2, up: 2 });
    expect(ev.transition).toEqual({ from: "up", to: "down", at: 2, confirmedAt: 3 });
    expect(ev.corrections).toEqual([{ slot: 2, from: "up", to: "down" }]);
    const steady = evaluate({ status: "up", since: 0, pending: [] }, 10, "up", { down: 2, up: 2 });
    expect(steady.transition).toBeUndefined();
  });
});
