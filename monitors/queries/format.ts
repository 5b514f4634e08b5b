import type { ComponentStatus } from "./overall-status";

export const COMPONENT_LABEL: Record<ComponentStatus, string> = {
  operational: "Operational",
  degraded_performance: "Degraded",
  partial_outage: "Partial outage",
  major_outage: "Down",
  under_maintenance: "Maintenance",
  unknown: "No data",
};

/**
 * A ratio as a percentage truncated (never rounded up, so 99.999% never reads 100%) to
 * `digits` decimals. The small epsilon absorbs float noise: 0.29 * 10000 is 2899.99…
 */
export function truncatePercent(ratio: number, digits: number): number {
  return Math.floor(ratio * 10 ** (digits + 2) + 1e-6) / 10 ** digits;
}

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
