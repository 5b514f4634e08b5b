/** What one check observed. */
export type Observed = "up" | "degraded" | "down";
/** A monitor's state after hysteresis; "unknown" until the first confirmed result. */
export type Confirmed = Observed | "unknown";
/** What uptime counts for a slot: the confirmed status, or maintenance when the slot was in a window. */
export type Effective = Observed | "maintenance";
/** How much an incident affects users, overall and per component (Statuspage's vocabulary). */
export const IMPACTS = ["none", "minor", "major", "critical"] as const;
export type Impact = (typeof IMPACTS)[number];
