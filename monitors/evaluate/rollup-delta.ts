import type { Effective } from "../core/status";
import { bucketStart, RESOLUTIONS, type Resolution } from "../core/buckets";
import { HISTOGRAM_BOUNDS_MS, histogramIndex } from "../core/histogram";

export interface RollupDelta {
  monitorId: number;
  resolution: Resolution;
  bucket: number;
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
  latencyCount: number;
  latencySum: number;
  latencyMin: number | null;
  latencyMax: number | null;
  hist: number[];
}

/** A bucket's counters before anything was counted in it. */
export function emptyCounters(): Omit<RollupDelta, "monitorId" | "resolution" | "bucket"> {
  return {
    up: 0,
    degraded: 0,
    down: 0,
    maintenance: 0,
    latencyCount: 0,
    latencySum: 0,
    latencyMin: null,
    latencyMax: null,
    hist: new Array(HISTOGRAM_BOUNDS_MS.length).fill(0),
  };
}

/** Accumulates counter changes per (monitor, resolution, bucket) so a batch writes each bucket once. */
export class RollupDeltas {
  private readonly map = new Map<string, RollupDelta>();

  private entry(monitorId: number, resolution: Resolution, bucket: number): RollupDelta {
    const key = `${monitorId}|${resolution}|${bucket}`;
    let d = this.map.get(key);
    if (!d) {
      d = { monitorId, resolution, bucket, ...emptyCounters() };
      this.map.set(key, d);
    }
    return d;
  }

  /** Counts one slot; latency is counted only for answers that arrived (not for failures, whose time is the timeout). */
  addSlot(monitorId: number, slot: number, effective: Effective, latencyMs: number | null): void {
    for (const r of RESOLUTIONS) {
      const d = this.entry(monitorId, r, bucketStart(r, slot));
      d[effective] += 1;
      if (latencyMs !== null) {
        d.latencyCount += 1;
        d.latencySum += latencyMs;
        d.latencyMin = d.latencyMin === null ? latencyMs : Math.min(d.latencyMin, latencyMs);
        d.latencyMax = d.latencyMax === null ? latencyMs : Math.max(d.latencyMax, latencyMs);
        d.hist[histogramIndex(latencyMs)] += 1;
      }
    }
  }

  /** Moves an already counted slot from one status to another (a hysteresis correction). */
  moveSlot(monitorId: number, slot: number, from: Effective, to: Effective): void {
    for (const r of RESOLUTIONS) {
      const d = this.entry(monitorId, r, bucketStart(r, slot));
      d[from] -= 1;
      d[to] += 1;
    }
  }

  /** Adds pre-aggregated counts to one bucket (the seeder and imports use it). */
  addAggregate(
    monitorId: number,
    resolution: Resolution,
    bucket: number,
    add: Omit<RollupDelta, "monitorId" | "resolution" | "bucket">,
  ): void {
    const d = this.entry(monitorId, resolution, bucket);
    d.up += add.up;
    d.degraded += add.degraded;
    d.down += add.down;
    d.maintenance += add.maintenance;
    d.latencyCount += add.latencyCount;
    d.latencySum += add.latencySum;
    if (add.latencyMin !== null) d.latencyMin = d.latencyMin === null ? add.latencyMin : Math.min(d.latencyMin, add.latencyMin);
    if (add.latencyMax !== null) d.latencyMax = d.latencyMax === null ? add.latencyMax : Math.max(d.latencyMax, add.latencyMax);
    for (let i = 0; i < d.hist.length; i++) d.hist[i] += add.hist[i];
  }

  values(): RollupDelta[] {
    return [...this.map.values()];
  }

  get size(): number {
    return this.map.size;
  }
}
