import { expect } from "vitest";
import type { LoadUnderProbingFigures } from "../../bench/load-under-probing";

/**
 * What a load run must show: no error answer, every slot probed, every check up, and the agent's
 * typical (median) measurement error within 3 ms of what a bare client on the same machine
 * measured for the same target at the same time. The p99 is reported (BENCHMARKS.md), not
 * asserted: on two shared cores the agent's tail is 10-20 ms above the bare client's, because its
 * SQLite writes run on the event loop that also timestamps the probes (see the issue notes).
 */
export function assertLoadOutcome(f: LoadUnderProbingFigures): void {
  const summary = JSON.stringify(f);
  expect(f.errorAnswers, summary).toBe(0);
  expect(f.missedSlots, summary).toBe(0);
  expect(f.downChecks, summary).toBe(0);
  expect(f.checksInWindow, summary).toBeGreaterThan(0);
  expect(f.measurementErrorMs.median - f.referenceErrorMs.median, summary).toBeLessThanOrEqual(3);
}
