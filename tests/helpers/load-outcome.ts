import { expect } from "vitest";
import type { LoadUnderProbingFigures } from "../../bench/load-under-probing";

/**
 * What a load run must show: no error answer, every slot probed, every check up, and the agent's
 * measurement error no worse than 3 ms beyond what a bare client on the same machine measured
 * for the same target at the same time (the core issue's 3 ms, net of the machine's own noise).
 */
export function assertLoadOutcome(f: LoadUnderProbingFigures): void {
  const summary = JSON.stringify(f);
  expect(f.errorAnswers, summary).toBe(0);
  expect(f.missedSlots, summary).toBe(0);
  expect(f.downChecks, summary).toBe(0);
  expect(f.checksInWindow, summary).toBeGreaterThan(0);
  expect(f.measurementErrorMs.p99 - f.referenceErrorMs.p99, summary).toBeLessThanOrEqual(3);
}
