import { performance } from "node:perf_hooks";

/**
 * How far the sub-millisecond clock is placed inside the wall clock's current millisecond.
 * `performance.now()` is monotonic and NTP does not slew it, so over minutes it drifts from
 * `Date.now()`; seen here: +1.2 ms in 60 s on an idle machine. Slots are wall-clock times that
 * other processes (targets, other agents, the database) read with `Date.now()`, so a clock ahead
 * of it starts a probe before its slot by their reckoning (a CI run saw the target receive a
 * request in the previous slot). Re-anchoring whenever the two disagree on the millisecond keeps
 * the resolution and never runs ahead of the wall clock.
 */
let offsetMs = performance.timeOrigin;

/** Wall-clock milliseconds with sub-millisecond resolution, for lateness and slot math. */
export function preciseNow(): number {
  const wall = Date.now();
  const now = offsetMs + performance.now();
  if (now >= wall && now < wall + 1) return now;
  offsetMs = wall + 0.5 - performance.now();
  return offsetMs + performance.now();
}
