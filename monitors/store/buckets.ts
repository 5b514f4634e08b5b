export type Resolution = "minute" | "hour" | "day";
export const RESOLUTIONS: readonly Resolution[] = ["minute", "hour", "day"];
export const RESOLUTION_MS: Record<Resolution, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Start of the UTC bucket that contains `ms`. Days are UTC days, so every reader agrees on them. */
export function bucketStart(resolution: Resolution, ms: number): number {
  const size = RESOLUTION_MS[resolution];
  return Math.floor(ms / size) * size;
}

export function ceilToBucket(resolution: Resolution, ms: number): number {
  const size = RESOLUTION_MS[resolution];
  return Math.ceil(ms / size) * size;
}
