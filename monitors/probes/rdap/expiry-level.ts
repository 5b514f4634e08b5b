import { DAY_MS } from "../../core/duration";

export type ExpiryLevel = "ok" | "warn" | "expired";

/**
 * How close an expiry is, by the thresholds the probe, the monitor page and the expiry badge
 * share: expired at or past the date, a warning within `warnDays`, fine before.
 */
export function expiryLevel(leftMs: number, warnDays: number): ExpiryLevel {
  if (leftMs <= 0) return "expired";
  return leftMs <= warnDays * DAY_MS ? "warn" : "ok";
}

/** Whole days in a span, rounded toward zero: 0.5 days left is 0 ("today"), 3.5 days past is -3. */
export function wholeDays(ms: number): number {
  return Math.trunc(ms / DAY_MS) || 0;
}
