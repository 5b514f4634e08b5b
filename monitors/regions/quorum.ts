import type { Observed } from "../state/hysteresis";

export interface RegionReport {
  region: string;
  status: Observed;
  totalMs: number | null;
  error: string | null;
  errorClass: string | null;
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
  errorClass: string | null;
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
  const down = reports.filter((r) => r.status === "down").map((r) => r.region).sort();
  const degraded = reports.filter((r) => r.status === "degraded").map((r) => r.region).sort();
  const status: Observed = down.length >= quorum ? "down" : down.length + degraded.length >= quorum ? "degraded" : "up";
  const totalMs = medianAnsweredLatency(reports);
  // The error says which regions saw it, so one region's blip is readable as such.
  const failing = reports.filter((r) => (status === "degraded" ? r.status !== "up" : r.status === "down") && r.error);
  const error = failing.length ? `${failing.map((r) => r.region).join(", ")}: ${failing[0].error}` : null;
  return { status, quorum, reported: n, down, degraded, totalMs, error: status === "up" ? null : error, errorClass: status === "up" ? null : (failing[0]?.errorClass ?? null) };
}

/** The median (the lower middle one of an even count) latency of the checks that got an answer; null when none did. */
export function medianAnsweredLatency(checks: Array<{ status: string; totalMs: number | null }>): number | null {
  const answered = checks.filter((c) => c.status !== "down" && c.totalMs !== null).map((c) => c.totalMs!).sort((a, b) => a - b);
  return answered.length ? answered[Math.floor((answered.length - 1) / 2)] : null;
}
