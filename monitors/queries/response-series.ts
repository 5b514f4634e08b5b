import type { Db } from "../store/client";
import { bucketStart, type Resolution } from "../core/buckets";
import { HISTOGRAM_BOUNDS_MS, histogramQuantile } from "../core/histogram";
import { DAY_MS } from "../core/duration";

export type ChartRange = "24h" | "7d" | "30d";
export const CHART_RANGES: Record<ChartRange, { resolution: Resolution; ms: number }> = {
  "24h": { resolution: "hour", ms: DAY_MS },
  "7d": { resolution: "hour", ms: 7 * DAY_MS },
  "30d": { resolution: "day", ms: 30 * DAY_MS },
};

export interface LatencyPoint {
  t: number;
  avg: number | null;
  p50: number | null;
  p95: number | null;
}

export interface PhasePoint {
  t: number;
  dns: number;
  connect: number;
  tls: number;
  firstByte: number;
  transfer: number;
}

const HIST = Object.fromEntries(HISTOGRAM_BOUNDS_MS.map((_, i) => [`h${i}`, true])) as Record<`h${number}`, true>;
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** p50/p95/avg per bucket from the rollup histograms, for each chart range. */
export async function latencySeries(db: Db, monitorId: number, now = Date.now()): Promise<Record<ChartRange, LatencyPoint[]>> {
  const out = {} as Record<ChartRange, LatencyPoint[]>;
  await Promise.all(
    (Object.keys(CHART_RANGES) as ChartRange[]).map(async (range) => {
      const { resolution, ms } = CHART_RANGES[range];
      const rows = await db.rollup.findMany({
        where: { monitorId, resolution, bucket: { gte: new Date(bucketStart(resolution, now - ms)) } },
        select: { bucket: true, latencyCount: true, latencySum: true, latencyMax: true, ...HIST },
        orderBy: { bucket: "asc" },
      });
      out[range] = rows.map((r) => {
        const hist = HISTOGRAM_BOUNDS_MS.map((_, i) => (r as unknown as Record<string, number>)[`h${i}`]);
        return {
          t: r.bucket.getTime(),
          avg: round1(r.latencyCount ? r.latencySum / r.latencyCount : null),
          p50: round1(histogramQuantile(hist, 0.5, r.latencyMax)),
          p95: round1(histogramQuantile(hist, 0.95, r.latencyMax)),
        };
      });
    }),
  );
  return out;
}

/** Average phases per hour over the last day, from raw results of checks that answered. */
export async function phaseSeries(db: Db, monitorId: number, now = Date.now()): Promise<PhasePoint[]> {
  const rows = await db.checkResult.findMany({
    where: { monitorId, slot: { gte: new Date(now - DAY_MS) }, status: { not: "down" } },
    select: { slot: true, dnsMs: true, connectMs: true, tlsMs: true, firstByteMs: true, totalMs: true },
  });
  const hours = new Map<number, { n: number; dns: number; connect: number; tls: number; firstByte: number; total: number }>();
  for (const r of rows) {
    const h = bucketStart("hour", r.slot.getTime());
    const e = hours.get(h) ?? { n: 0, dns: 0, connect: 0, tls: 0, firstByte: 0, total: 0 };
    e.n++;
    e.dns += r.dnsMs ?? 0;
    e.connect += r.connectMs ?? 0;
    e.tls += r.tlsMs ?? 0;
    e.firstByte += r.firstByteMs ?? 0;
    e.total += r.totalMs ?? 0;
    hours.set(h, e);
  }
  return [...hours.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, e]) => {
      const avg = (v: number) => Math.round((v / e.n) * 10) / 10;
      const parts = { dns: avg(e.dns), connect: avg(e.connect), tls: avg(e.tls), firstByte: avg(e.firstByte) };
      return {
        t,
        ...parts,
        transfer: Math.max(0, Math.round((avg(e.total) - parts.dns - parts.connect - parts.tls - parts.firstByte) * 10) / 10),
      };
    });
}
