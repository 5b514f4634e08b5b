import { performance } from "node:perf_hooks";

/** Wall-clock milliseconds with sub-millisecond resolution, for lateness and slot math. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
