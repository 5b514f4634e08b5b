// The outage storm: the target of 500 monitors refuses connections for 60 s at the start of a
// 60 s window of 200 connections on the public routes, 50 healthy monitors are probed meanwhile,
// and a webhook receiver takes 2 s per delivery. Its figures are benchmarks (npm run bench --
// storm); this asserts what must hold whatever the machine's speed.
import { describe, expect, it } from "vitest";
import { loadUnderProbing, STORM } from "@/bench/load-under-probing";
import { assertLoadOutcome } from "../helpers/load-outcome";

describe("outage storm (full)", () => {
  it("500 monitors down for 60 s under 200 connections: page within 10 s, every notification once, no slot missed", async () => {
    const f = await loadUnderProbing({ monitors: 500, connections: 200, seconds: 60, storm: STORM, name: "storm-chaos", log: console.log });
    console.log(JSON.stringify(f));
    // No error answer, no missed slot, and no healthy monitor measured as down.
    assertLoadOutcome(f);
    const s = f.storm!;
    expect(s.pageShowedAfterMs, JSON.stringify(s)).not.toBeNull();
    expect(s.pageShowedAfterMs!, JSON.stringify(s)).toBeLessThanOrEqual(10_000);
    expect(s.incidents).toBeGreaterThan(0);
    expect(s.incidentsResolved).toBe(s.incidents);
    expect(s.notificationsQueued).toBeGreaterThan(0);
    expect(s.notificationsDelivered).toBe(s.notificationsQueued);
    expect(s.duplicateDeliveries).toBe(0);
    expect(s.undelivered).toBe(0);
  }, 330_000);
});
