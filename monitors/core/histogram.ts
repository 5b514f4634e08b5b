/**
 * Latency histogram with fixed upper bounds (ms). Each rollup row stores one count per
 * bucket (columns h0..h15), so merging buckets is plain addition in SQL.
 */
export const HISTOGRAM_BOUNDS_MS = [10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10000, Infinity] as const;
export const HISTOGRAM_COLUMNS = HISTOGRAM_BOUNDS_MS.map((_, i) => `h${i}`) as readonly string[];

export function histogramIndex(ms: number): number {
  for (let i = 0; i < HISTOGRAM_BOUNDS_MS.length; i++) if (ms <= HISTOGRAM_BOUNDS_MS[i]) return i;
  return HISTOGRAM_BOUNDS_MS.length - 1;
}

/**
 * The q-quantile (0..1) of a histogram, interpolated linearly inside its bucket.
 * `max` caps the open last bucket and the result, so p99 never exceeds the slowest sample.
 */
export function histogramQuantile(counts: readonly number[], q: number, max?: number | null): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    if (seen + counts[i] >= rank) {
      const lower = i === 0 ? 0 : HISTOGRAM_BOUNDS_MS[i - 1];
      const upperBound = HISTOGRAM_BOUNDS_MS[i];
      const upper = Number.isFinite(upperBound) ? upperBound : Math.max(lower, max ?? lower);
      const value = lower + ((rank - seen) / counts[i]) * (upper - lower);
      return max != null ? Math.min(value, max) : value;
    }
    seen += counts[i];
  }
  return max ?? null;
}
