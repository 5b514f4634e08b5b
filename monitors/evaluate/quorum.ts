import type { Observed } from "../core/status";
import type { ErrorClass, ProbeResult } from "../core/probe-result";

export interface RegionReport {
  region: string;
  status: Observed;
  /** How long the region's check took; null in region checks of failed checks stored before 2026-12-04. */
  totalMs: number | null;
  error: string | null;
  errorClass: ErrorClass | null;
}

export interface QuorumVerdict {
  status: Observed;
  /** The quorum applied: the configured one, or a majority of the regions that reported. */
  quorum: number;
  reported: number;
  down: string[];
  degraded: string[];
  /** Median latency of the regions that answered (null when none did). */
  totalMs: number | null;
  error: string | null;
  errorClass: ErrorClass | null;
}

/**
 * A slot's status from the regions that reported it. Down when at least `quorum` of them say down;
 * degraded when at least `quorum` say degraded or worse; up otherwise. A region that did not report
 * is not counted at all (no data, never down). The default quorum is a majority of the regions that
 * reported; a configured quorum is kept as it is, so when fewer regions reported than it asks for,
 * the slot cannot be down: one region's view never outvotes an explicit quorum.
 */
export function decideQuorum(reports: RegionReport[], configured?: number | null): QuorumVerdict {
  if (!reports.length) throw new Error("decideQuorum needs at least one region report");
  const n = reports.length;
  const quorum = configured ?? Math.floor(n / 2) + 1;
  const down = reports
    .filter((r) => r.status === "down")
    .map((r) => r.region)
    .sort();
  const degraded = reports
    .filter((r) => r.status === "degraded")
    .map((r) => r.region)
    .sort();
  const status: Observed = down.length >= quorum ? "down" : down.length + degraded.length >= quorum ? "degraded" : "up";
  const totalMs = medianAnsweredLatency(reports);
  // The error says which regions saw it, so one region's blip is readable as such.
  const failing = reports.filter((r) => (status === "degraded" ? r.status !== "up" : r.status === "down") && r.error);
  const error = failing.length ? `${failing.map((r) => r.region).join(", ")}: ${failing[0].error}` : null;
  return {
    status,
    quorum,
    reported: n,
    down,
    degraded,
    totalMs,
    error: status === "up" ? null : error,
    errorClass: status === "up" ? null : (failing[0]?.errorClass ?? null),
  };
}

/** The median (the lower middle one of an even count) latency of the checks that got an answer; null when none did. */
export function medianAnsweredLatency(checks: Array<{ status: string; totalMs: number | null }>): number | null {
  return lowerMedian(checks.filter((c) => c.status !== "down" && c.totalMs !== null).map((c) => c.totalMs!));
}

function lowerMedian(values: number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
}

/**
 * The slot's result as the quorum decided it, in the shape every result is stored in. Its time is
 * the median of the regions that answered; when none did, the median time the regions took to fail.
 */
export function quorumResult(reports: RegionReport[], configured?: number | null): ProbeResult {
  const v = decideQuorum(reports, configured);
  const failTimes = reports.map((r) => r.totalMs).filter((ms): ms is number => ms !== null);
  // 0 only for region checks stored before failed checks kept their time.
  const totalMs = v.totalMs ?? lowerMedian(failTimes) ?? 0;
  return {
    status: v.status,
    phases: { totalMs },
    ...(v.error ? { error: v.error } : {}),
    ...(v.errorClass ? { errorClass: v.errorClass } : {}),
    details: { regions: Object.fromEntries(reports.map((r) => [r.region, r.status])), quorum: v.quorum },
  };
}
