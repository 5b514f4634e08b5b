import { describe, expect, it } from "vitest";
import { firstSlot, JOIN_GRACE_MS, Scheduler, type SlotRun } from "@/monitors/schedule/scheduler";
import { HANDOVER_SETTLE_MS } from "@/monitors/regions/lease-manager";

const interval = 60_000;
const phase = 7_000;
const slot = Date.UTC(2026, 11, 7, 12, 0, 0) + phase;

describe("a monitor joining the schedule", () => {
  it("is checked for the slot that started within the grace, late by that much; otherwise from the next slot", () => {
    const m = { id: 1, intervalMs: interval, phaseMs: phase };
    expect(firstSlot(slot, m)).toBe(slot);
    expect(firstSlot(slot + JOIN_GRACE_MS, m)).toBe(slot);
    expect(firstSlot(slot + JOIN_GRACE_MS + 1, m)).toBe(slot + interval);
    expect(firstSlot(slot - 1, m)).toBe(slot);
    // A monitor handed over by a lease went only after its slot started HANDOVER_SETTLE_MS earlier:
    // the taker never runs the slot the giver ran.
    expect(JOIN_GRACE_MS).toBeLessThan(HANDOVER_SETTLE_MS);
    expect(firstSlot(slot + HANDOVER_SETTLE_MS, m)).toBe(slot + interval);
  });

  it("the scheduler runs that slot at once, with its lateness, when leases arrive just after it began", async () => {
    let now = slot + 180;
    const runs: SlotRun[] = [];
    const scheduler = new Scheduler({ concurrency: 4, now: () => now, run: async (r) => void runs.push(r) });
    scheduler.start();
    scheduler.setMonitors([
      { id: 1, intervalMs: interval, phaseMs: phase },
      { id: 2, intervalMs: interval, phaseMs: phase - 2_000 }, // its slot began 2.18 s ago: next one
    ]);
    await new Promise((r) => setTimeout(r, 30));
    expect(runs.map((r) => [r.monitorId, r.slot])).toEqual([[1, slot]]);
    expect(runs[0].latenessMs).toBeGreaterThanOrEqual(180);
    // Set again with nothing changed: kept slots are not run twice.
    scheduler.setMonitors([
      { id: 1, intervalMs: interval, phaseMs: phase },
      { id: 2, intervalMs: interval, phaseMs: phase - 2_000 },
    ]);
    now += 100;
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).toHaveLength(1);
    await scheduler.stop();
  });
});
