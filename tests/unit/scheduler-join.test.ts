import { describe, expect, it } from "vitest";
import { firstSlot, Scheduler, type SlotRun } from "@/monitors/schedule/scheduler";

const interval = 60_000;
const phase = 7_000;
const slot = Date.UTC(2026, 11, 7, 12, 0, 0) + phase;
const m = { id: 1, intervalMs: interval, phaseMs: phase };

describe("a monitor joining the schedule", () => {
  it("starts at the next slot, unless the agent held it since before the current slot began", () => {
    // An agent starting, a config reload: from the next slot.
    expect(firstSlot(slot + 150, m)).toBe(slot + interval);
    // A lease claimed 20 ms before the slot, learned by the probe thread 150 ms after it: that slot is this agent's.
    expect(firstSlot(slot + 150, m, slot - 20)).toBe(slot);
    expect(firstSlot(slot + 150, m, slot)).toBe(slot);
    // Claimed after the slot began (a hand-over, where the giver ran it): the next one.
    expect(firstSlot(slot + 1_500, m, slot + 1_200)).toBe(slot + interval);
  });

  it("the scheduler runs that slot at once, with its lateness, and not again when the set is given again", async () => {
    let now = slot + 180;
    const runs: SlotRun[] = [];
    const scheduler = new Scheduler({ concurrency: 4, now: () => now, run: async (r) => void runs.push(r) });
    scheduler.start();
    const set = [m, { id: 2, intervalMs: interval, phaseMs: phase - 2_000 }]; // 2's slot began before the claim
    scheduler.setMonitors(set, slot - 50);
    await new Promise((r) => setTimeout(r, 30));
    expect(runs.map((r) => [r.monitorId, r.slot])).toEqual([[1, slot]]);
    expect(runs[0].latenessMs).toBeGreaterThanOrEqual(180);
    scheduler.setMonitors(set, slot + 100);
    now += 100;
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).toHaveLength(1);
    await scheduler.stop();
  });
});
