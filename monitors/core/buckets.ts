import { DAY_MS, HOUR_MS } from "./duration";
export type Resolution = "minute" | "hour" | "day" | "month";
/** Every result is counted in each of these buckets when it is written. */
export const RESOLUTIONS: readonly Resolution[] = ["minute", "hour", "day", "month"];
const FIXED_MS = { minute: 60_000, hour: HOUR_MS, day: DAY_MS } as const;

/**
 * Start of the UTC bucket that contains `ms`. Days and months are UTC, so every reader agrees
 * on them. Month buckets keep a year's uptime to a dozen rows per monitor.
 */
export function bucketStart(resolution: Resolution, ms: number): number {
  if (resolution === "month") {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const size = FIXED_MS[resolution];
  return Math.floor(ms / size) * size;
}

/** The first bucket start at or after `ms`. */
export function ceilToBucket(resolution: Resolution, ms: number): number {
  const start = bucketStart(resolution, ms);
  if (start === ms) return ms;
  if (resolution === "month") {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + FIXED_MS[resolution];
}
