/**
 * Statuspage's component vocabulary, plus two states that claim nothing: `unknown` (never checked,
 * not confirmed yet, or waiting for credentials) and `stale` (its newest result is too old to be
 * a current observation: the checker is behind or stopped).
 */
export type ComponentStatus =
  | "operational"
  | "degraded_performance"
  | "partial_outage"
  | "major_outage"
  | "under_maintenance"
  | "unknown"
  | "stale";
export type OverallStatus = "operational" | "degraded" | "partial_outage" | "major_outage" | "maintenance" | "unknown" | "stale";

/** What componentStatus reads of a monitor. */
export interface ObservedMonitor {
  disabledReason: string | null;
  intervalSec: number;
  timeoutMs: number;
  state: { status: string; lastSlot: Date | null } | null;
}

/**
 * A result older than this is no longer a current observation: two intervals (one slot may be
 * missed or still being written) plus the check's own timeout.
 */
export function staleAfterMs(m: Pick<ObservedMonitor, "intervalSec" | "timeoutMs">): number {
  return 2 * m.intervalSec * 1000 + m.timeoutMs;
}

/** Whether the monitor has been checked at all but not lately (see staleAfterMs). */
export function isStale(m: ObservedMonitor, now: number): boolean {
  const last = m.state?.lastSlot;
  return !!last && now - last.getTime() > staleAfterMs(m);
}

/**
 * A monitor's public status: the one place that decides what the page, the API, badges and
 * metrics may claim. A declared maintenance is true whatever the checks say; otherwise only a
 * recent confirmed observation is reported.
 */
export function componentStatus(m: ObservedMonitor, underMaintenance: boolean, now: number): ComponentStatus {
  if (m.disabledReason || !m.state?.lastSlot) return "unknown";
  if (underMaintenance) return "under_maintenance";
  if (isStale(m, now)) return "stale";
  switch (m.state.status) {
    case "up":
      return "operational";
    case "degraded":
      return "degraded_performance";
    case "down":
      return "major_outage";
    default:
      return "unknown";
  }
}

/**
 * The page's banner. Half or more of the monitors down is a major outage; fewer is partial.
 * An open incident raises it to at least its impact.
 */
export function overallStatus(components: ComponentStatus[], openIncidentImpacts: string[] = []): OverallStatus {
  const known = components.filter((c) => c !== "unknown" && c !== "stale");
  const down = known.filter((c) => c === "major_outage" || c === "partial_outage").length;
  // Nothing observed lately, though some monitors were checked before: the checker is behind.
  const nothingKnown = components.includes("stale") ? "stale" : "unknown";
  let status: OverallStatus = known.length === 0 ? nothingKnown : "operational";
  if (known.length && down * 2 >= known.length && down > 0) status = "major_outage";
  else if (down > 0) status = "partial_outage";
  else if (known.includes("degraded_performance")) status = "degraded";
  else if (known.length && known.includes("under_maintenance")) status = "maintenance";
  if (openIncidentImpacts.includes("critical")) status = "major_outage";
  else if (openIncidentImpacts.includes("major") && status !== "major_outage") status = "partial_outage";
  else if (openIncidentImpacts.includes("minor") && (status === "operational" || status === "unknown" || status === "stale"))
    status = "degraded";
  return status;
}

export const OVERALL_LABEL: Record<OverallStatus, string> = {
  operational: "All systems operational",
  degraded: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  maintenance: "Under maintenance",
  unknown: "Waiting for the first checks",
  stale: "Status unknown: no recent checks",
};
