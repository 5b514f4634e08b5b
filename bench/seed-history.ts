/**
 * Seeds a database with realistic history through the store's own functions: the result
 * writer (hysteresis, corrections, rollups) for the raw-retention window, and rollup
 * aggregates for the rest. Deterministic for a given seed.
 */
import type { Db } from "../monitors/store/client";
import { parseConfig } from "../monitors/config/load";
import { syncConfig, type SyncedMonitor } from "../monitors/store/config-sync";
import { loadLiveStates } from "../monitors/store/live-states";
import { resultWriter } from "../monitors/store/result-writer";
import { emptyCounters, RollupDeltas } from "../monitors/evaluate/rollup-delta";
import { rollupUpsertStatements } from "../monitors/store/rollup-upsert";
import { bucketStart } from "../monitors/core/buckets";
import { histogramIndex } from "../monitors/core/histogram";
import { applyRetention } from "../monitors/store/retention";
import { ensurePartitions, packClosedPartitions } from "../monitors/store/partitions";
import type { Observed } from "../monitors/core/status";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface SeedOptions {
  monitors: number;
  days: number;
  rawDays: number;
  intervalMs?: number;
  now?: number;
  seed?: number;
  /** Base URL the generated monitors point at (never contacted by the seeder). */
  targetBase?: string;
  /** A monitor config (YAML or JSON text) to seed instead of the generated one, e.g. monitors/openregistry.yaml. */
  configText?: string;
}

interface Episode {
  start: number;
  end: number;
  status: "down" | "degraded";
}

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedConfigText(n: number, targetBase = "http://127.0.0.1:9"): string {
  const groups = ["Registry", "Web app", "Auth", "Storage", "Docs"];
  const monitors = Array.from({ length: n }, (_, i) => ({
    slug: `monitor-${String(i + 1).padStart(3, "0")}`,
    name: `${groups[i % groups.length]} endpoint ${i + 1}`,
    group: groups[i % groups.length],
    kind: "http",
    url: `${targetBase}/m/${i + 1}`,
    ...(i % 10 === 0 ? { slo: 98 } : {}),
  }));
  return JSON.stringify({ groups, monitors });
}

/** Outages roughly twice a month (minutes to hours), slow periods four times a month. */
function episodes(rng: () => number, from: number, to: number): Episode[] {
  const out: Episode[] = [];
  for (let t = from; t < to; ) {
    t += (-Math.log(1 - rng()) * 30 * DAY) / 6;
    const down = rng() < 0.33;
    const minutes = down ? Math.ceil(Math.exp(Math.log(8) + rng() * 2.5)) : Math.ceil(10 + rng() * 50);
    const start = Math.floor(t / MIN) * MIN;
    out.push({ start, end: start + minutes * MIN, status: down ? "down" : "degraded" });
  }
  return out;
}

function statusAt(eps: Episode[], slot: number): Observed {
  for (const e of eps) if (slot >= e.start && slot < e.end) return e.status;
  return "up";
}

function latencySample(rng: () => number, base: number, status: Observed): number {
  const jitter = Math.exp((rng() - 0.5) * 0.8);
  return status === "degraded" ? base * 6 * jitter : base * jitter;
}

export async function seedHistory(
  db: Db,
  opts: SeedOptions,
): Promise<{ monitors: SyncedMonitor[]; rawResults: number; rollupRows: number }> {
  const interval = opts.intervalMs ?? MIN;
  const now = opts.now ?? Date.now();
  const rng = mulberry32(opts.seed ?? 42);
  const report = await syncConfig(db, parseConfig(opts.configText ?? seedConfigText(opts.monitors, opts.targetBase), "seed.yaml", {}));
  const monitors = report.monitors;
  const yearStart = bucketStart("day", now - opts.days * DAY);
  const rawStart = bucketStart("hour", now - opts.rawDays * DAY);
  const hourKeepFrom = now - 90 * DAY;
  // PostgreSQL: the partitions housekeeping would have made over the year (nothing on SQLite).
  await ensurePartitions(db, now, { checkResult: rawStart, minuteRollup: rawStart, hourRollup: hourKeepFrom, dayRollup: yearStart });
  let rollupRows = 0;

  const plans = monitors.map((m) => ({ m, base: 20 + rng() * 300, eps: episodes(rng, yearStart, now) }));

  // Before the raw window: hour and day aggregates, one monitor at a time to bound memory.
  for (const { m, base, eps } of plans) {
    const deltas = new RollupDeltas();
    for (let h = yearStart; h < rawStart; h += HOUR) {
      const agg = emptyCounters();
      const overlapping = eps.filter((e) => e.end > h && e.start < h + HOUR);
      for (let slot = h + (m.def.phaseMs % interval); slot < h + HOUR; slot += interval) {
        const s = overlapping.length ? statusAt(overlapping, slot) : "up";
        agg[s] += 1;
        if (s !== "down") {
          const ms = latencySample(rng, base, s);
          agg.latencyCount += 1;
          agg.latencySum += ms;
          agg.latencyMin = agg.latencyMin === null ? ms : Math.min(agg.latencyMin, ms);
          agg.latencyMax = agg.latencyMax === null ? ms : Math.max(agg.latencyMax, ms);
          agg.hist[histogramIndex(ms)] += 1;
        }
      }
      if (h >= hourKeepFrom) deltas.addAggregate(m.id, "hour", h, agg);
      deltas.addAggregate(m.id, "day", bucketStart("day", h), agg);
      deltas.addAggregate(m.id, "month", bucketStart("month", h), agg);
    }
    const values = deltas.values();
    rollupRows += values.length;
    await db.$transaction(rollupUpsertStatements(db, values));
  }

  // The raw window: real results through the writer, in time order, as an agent would write them.
  const states = await loadLiveStates(db, monitors);
  const writer = resultWriter(db, states, { maxBatch: 5000, flushDelayMs: 60_000 });
  let rawResults = 0;
  for (let h = rawStart; h < now; h += HOUR) {
    for (const { m, base, eps } of plans) {
      for (let slot = h + (m.def.phaseMs % interval); slot < Math.min(h + HOUR, now); slot += interval) {
        const status = statusAt(eps, slot);
        const total = status === "down" ? 10_000 : latencySample(rng, base, status);
        writer.push({
          monitorId: m.id,
          region: "default",
          slot,
          latenessMs: rng() * 3,
          result: {
            status,
            phases: { dnsMs: 1, connectMs: total * 0.1, tlsMs: total * 0.3, firstByteMs: total * 0.5, totalMs: total },
            details: { httpStatus: status === "down" ? 503 : 200 },
            ...(status === "down" ? { errorClass: "http_status" as const, error: "HTTP 503 (expected 2xx)" } : {}),
          },
        });
        rawResults++;
      }
    }
    await writer.flush();
  }
  await writer.drain();
  writer.close();
  await applyRetention(db, undefined, now);
  // As the agents' hourly housekeeping would have: indexes of partitions closed a day ago, packed.
  await packClosedPartitions(db, now);
  return { monitors, rawResults, rollupRows };
}
