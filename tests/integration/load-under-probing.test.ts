// The short version of the load run and the outage storm (the full ones are in npm run test:chaos
// and npm run bench): public routes under concurrent load while the agent probes, with no error
// answer, no missed slot and the agent measuring as well as a bare client does on the same machine;
// then the target of most monitors goes down for 10 s of the window, and the page must show the
// incident within 10 s of its confirmation and every notification must arrive exactly once.
import { describe, expect, it } from "vitest";
import { loadUnderProbing } from "@/bench/load-under-probing";
import { assertLoadOutcome } from "../helpers/load-outcome";

describe("load while probing (short)", () => {
  it("100 monitors every 5 s, 30 connections for 10 s", async () => {
    const f = await loadUnderProbing({ monitors: 100, connections: 30, seconds: 10, name: "load-short" });
    // Light load: the agent's median stays within 5 ms of a bare client's.
    assertLoadOutcome(f, 5);
  }, 120_000);

  it("outage storm: 100 monitors down for 10 s, 20 healthy, a webhook that takes 2 s", async () => {
    const f = await loadUnderProbing({
      monitors: 100,
      connections: 30,
      seconds: 15,
      storm: { healthyMonitors: 20, outageSeconds: 10, webhookDelayMs: 2000 },
      name: "storm-short",
    });
    assertLoadOutcome(f);
    const s = f.storm!;
    const summary = JSON.stringify(s);
    expect(s.pageShowedAfterMs, summary).not.toBeNull();
    expect(s.pageShowedAfterMs!, summary).toBeLessThanOrEqual(10_000);
    expect(s.incidents, summary).toBeGreaterThan(0);
    expect(s.incidentsResolved, summary).toBe(s.incidents);
    expect(s.notificationsQueued, summary).toBeGreaterThan(0);
    expect(s.notificationsDelivered, summary).toBe(s.notificationsQueued);
    expect(s.duplicateDeliveries, summary).toBe(0);
    expect(s.undelivered, summary).toBe(0);
  }, 180_000);
});
