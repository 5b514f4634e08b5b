/** An unresolved incident as grouping sees it. */
export interface OpenIncidentView {
  id: number;
  auto: boolean;
  startedAt: number;
  /** monitorId -> recovered (true once that monitor is back up). */
  monitors: Map<number, boolean>;
}

export type Placement =
  /** The monitor is already failing inside this incident: only its impact may change. */
  | { kind: "already"; incidentId: number }
  /** The monitor recovered inside this still-open incident and fails again. */
  | { kind: "relapse"; incidentId: number }
  /** Another monitor's automatic incident started within the group window: join it. */
  | { kind: "join"; incidentId: number }
  | { kind: "open" };

/**
 * Where a confirmed failure of `monitorId`, starting at `at`, belongs. A monitor that is part
 * of an open incident (automatic or written by a maintainer) stays with it; otherwise failures
 * starting within `windowMs` of an open automatic incident's start join the most recent one,
 * so an upstream outage that takes five monitors down makes one incident, not five.
 */
export function placeFailure(monitorId: number, at: number, open: readonly OpenIncidentView[], windowMs: number): Placement {
  const mine = open.filter((i) => i.monitors.has(monitorId)).sort((a, b) => b.startedAt - a.startedAt);
  const failing = mine.find((i) => i.monitors.get(monitorId) === false);
  if (failing) return { kind: "already", incidentId: failing.id };
  if (mine.length) return { kind: "relapse", incidentId: mine[0].id };
  const near = open.filter((i) => i.auto && Math.abs(at - i.startedAt) <= windowMs).sort((a, b) => b.startedAt - a.startedAt)[0];
  return near ? { kind: "join", incidentId: near.id } : { kind: "open" };
}

/** True when every monitor of the incident is back. An incident without monitors never auto-resolves. */
export function allRecovered(monitors: Map<number, boolean>): boolean {
  if (monitors.size === 0) return false;
  for (const recovered of monitors.values()) if (!recovered) return false;
  return true;
}
