import type { Db } from "../store/client";
import { HISTOGRAM_BOUNDS_MS, histogramQuantile } from "../core/histogram";
import { UPTIME_WINDOWS, windowSegments, type UptimeWindow } from "./uptime";

export interface LatencyStats {
  count: number;
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

const HIST_SUM = Object.fromEntries(HISTOGRAM_BOUNDS_MS.map((_, i) => [`h${i}`, true])) as Record<`h${number}`, true>;

/** Response time of one monitor over a window, from rollup sums and histograms (never raw results). */
export async function latencyStats(db: Db, monitorId: number, window: UptimeWindow, now = Date.now()): Promise<LatencyStats> {
  const segments = windowSegments(now - UPTIME_WINDOWS[window], now);
  const parts = await Promise.all(
    segments.map((seg) =>
      db.rollup.aggregate({
        where: {
          monitorId,
          resolution: seg.resolution,
          bucket: { gte: new Date(seg.from), ...(Number.isFinite(seg.to) ? { lt: new Date(seg.to) } : {}) },
        },
        _sum: { latencyCount: true, latencySum: true, ...HIST_SUM },
        _max: { latencyMax: true },
      }),
    ),
  );
  let count = 0;
  let sum = 0;
  let max: number | null = null;
  const hist = new Array(HISTOGRAM_BOUNDS_MS.length).fill(0);
  for (const p of parts) {
    count += p._sum.latencyCount ?? 0;
    sum += p._sum.latencySum ?? 0;
    const m = p._max.latencyMax;
    if (m !== null && m !== undefined) max = max === null ? m : Math.max(max, m);
    const sums = p._sum as Record<string, number | null>;
    for (let i = 0; i < hist.length; i++) hist[i] += sums[`h${i}`] ?? 0;
  }
  return {
    count,
    avgMs: count ? sum / count : null,
    p50Ms: histogramQuantile(hist, 0.5, max),
    p95Ms: histogramQuantile(hist, 0.95, max),
    maxMs: max,
  };
}
