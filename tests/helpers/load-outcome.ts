import { expect } from "vitest";
import type { LoadUnderProbingFigures } from "@/bench/load-under-probing";

/**
 * What every load run must show: no error answer, every slot probed, every check up.
 * With `maxMedianGapMs`, also that the agent's typical (median) measurement error stays that close
 * to what a bare client on the same machine measured for the same target at the same time. The
 * core issue's 3 ms is not met under full load on two shared cores (BENCHMARKS.md has the
 * figures): the agent's SQLite writes run on the event loop that also timestamps its probes.
 */
export function assertLoadOutcome(f: LoadUnderProbingFigures, maxMedianGapMs?: number): void {
  const summary = JSON.stringify(f);
  expect(f.errorAnswers, summary).toBe(0);
  expect(f.missedSlots, summary).toBe(0);
  expect(f.downChecks, summary).toBe(0);
  expect(f.checksInWindow, summary).toBeGreaterThan(0);
  if (maxMedianGapMs !== undefined)
    expect(f.measurementErrorMs.median - f.referenceErrorMs.median, summary).toBeLessThanOrEqual(maxMedianGapMs);
}
