import { describe, expect, it } from "vitest";
import { PendingResults } from "@/monitors/agent/pending-results";
import type { CheckOutcome } from "@/monitors/store/result-writer";

const outcome = (slot: number): CheckOutcome => ({
  monitorId: 1,
  region: "default",
  slot,
  latenessMs: 0,
  result: { status: "up", phases: { totalMs: 1 }, details: {} },
});

describe("pending results between the probe thread and the writer", () => {
  it("numbers outcomes in order and hands each over once", () => {
    const p = new PendingResults(100);
    for (let i = 0; i < 5; i++) p.add(outcome(i));
    expect(p.takeUnsent(3).map((o) => o.seq)).toEqual([1, 2, 3]);
    expect(p.takeUnsent().map((o) => o.seq)).toEqual([4, 5]);
    expect(p.takeUnsent()).toEqual([]);
    expect(p.size).toBe(5);
  });

  it("forgets only what the writer acknowledged, and gives a new writer everything else again", () => {
    const p = new PendingResults(100);
    for (let i = 0; i < 6; i++) p.add(outcome(i));
    p.takeUnsent();
    p.ack(4);
    expect(p.size).toBe(2);
    expect(p.takeUnsent()).toEqual([]);
    p.add(outcome(6));
    p.resendAll();
    expect(p.takeUnsent().map((o) => o.seq)).toEqual([5, 6, 7]);
    // An acknowledgement that arrives late (for seqs already forgotten) changes nothing.
    p.ack(2);
    expect(p.size).toBe(3);
  });

  it("is over its limit from the limit until the writer has worked it down to half", () => {
    const p = new PendingResults(10);
    for (let i = 0; i < 9; i++) p.add(outcome(i));
    expect(p.overLimit).toBe(false);
    p.add(outcome(9));
    expect(p.overLimit).toBe(true);
    p.takeUnsent();
    p.ack(4);
    expect(p.size).toBe(6);
    expect(p.overLimit).toBe(true);
    p.ack(5);
    expect(p.size).toBe(5);
    expect(p.overLimit).toBe(false);
  });
});
