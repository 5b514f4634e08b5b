import type { ComponentStatus } from "../queries/overall-status";
import { truncatePercent } from "../core/truncate-percent";

export { truncatePercent };

export const COMPONENT_LABEL: Record<ComponentStatus, string> = {
  operational: "Operational",
  degraded_performance: "Degraded",
  partial_outage: "Partial outage",
  major_outage: "Down",
  under_maintenance: "Maintenance",
  unknown: "No data",
  stale: "No recent checks",
};

/** Uptime as a percentage with enough digits to tell 99.9 from 99.99; "no data" when nothing counted. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return "no data";
  if (ratio === 1) return "100%";
  return `${truncatePercent(ratio, 2).toFixed(2)}%`;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
