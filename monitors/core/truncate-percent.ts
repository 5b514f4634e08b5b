/**
 * A ratio as a percentage truncated (never rounded up, so 99.999% never reads 100%) to
 * `digits` decimals. The small epsilon absorbs float noise: 0.29 * 10000 is 2899.99…
 */
export function truncatePercent(ratio: number, digits: number): number {
  return Math.floor(ratio * 10 ** (digits + 2) + 1e-6) / 10 ** digits;
}
