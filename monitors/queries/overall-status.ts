export type ComponentStatus = "operational" | "degraded_performance" | "partial_outage" | "major_outage" | "under_maintenance" | "unknown";
export type OverallStatus = "operational" | "degraded" | "partial_outage" | "major_outage" | "maintenance" | "unknown";

/** A monitor's public status from its confirmed state (Statuspage's component vocabulary). */
export function componentStatus(confirmed: string | null | undefined, underMaintenance: boolean): ComponentStatus {
  if (underMaintenance) return "under_maintenance";
  switch (confirmed) {
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
  const known = components.filter((c) => c !== "unknown");
  const down = known.filter((c) => c === "major_outage" || c === "partial_outage").length;
  let status: OverallStatus = known.length === 0 ? "unknown" : "operational";
  if (known.length && down * 2 >= known.length && down > 0) status = "major_outage";
  else if (down > 0) status = "partial_outage";
  else if (known.includes("degraded_performance")) status = "degraded";
  else if (known.length && known.includes("under_maintenance")) status = "maintenance";
  if (openIncidentImpacts.includes("critical")) status = "major_outage";
  else if (openIncidentImpacts.includes("major") && status !== "major_outage") status = "partial_outage";
  else if (openIncidentImpacts.includes("minor") && (status === "operational" || status === "unknown")) status = "degraded";
  return status;
}

export const OVERALL_LABEL: Record<OverallStatus, string> = {
  operational: "All systems operational",
  degraded: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  maintenance: "Under maintenance",
  unknown: "Waiting for the first checks",
};
