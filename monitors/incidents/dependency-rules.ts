/**
 * What a confirmed failure of a monitor with dependencies means for incidents. Pure: incident
 * automation (on the store thread, where state changes are handled) gathers the facts and acts on
 * the answer.
 */

/** A dependency as the rules see it, at the point of the change being decided. */
export interface DependencyFacts {
  /** Its confirmed state (after hysteresis) at that point of the change stream. */
  status: string;
  /** When that state began (ms), to prefer the oldest outage as the root cause; null if unknown. */
  since: number | null;
  /** Its confirmed change to down is stored but not acted on yet (it is itself waiting). */
  downQueued: boolean;
  /** First slot of a run of failed checks that hysteresis has not confirmed yet (ms), or null. */
  failingSince: number | null;
  /** Longest time from a first failed slot to the check that confirms it: confirm.down × interval + timeout. */
  confirmWithinMs: number;
}

export type DependencyDecision =
  /** No dependency is down: the failure is the monitor's own (its own incident, its own notification). */
  | { kind: "own" }
  /** `rootId`, a dependency, is confirmed down: the failure joins its incident, quietly. */
  | { kind: "covered"; rootId: number }
  /**
   * A dependency is failing and about to be confirmed: decide again later (by `untilMs` at the
   * latest; null: once that dependency's own stored change has been acted on).
   */
  | { kind: "wait"; dependencyId: number; untilMs: number | null };

/** Results cross from the probe thread and wait for the writer's batch: allow this long on top of confirming. */
export const CONFIRM_SLACK_MS = 10_000;

/**
 * @param dependencies everything the monitor depends on, transitively
 * @param dependenciesOf the same for any other monitor (to find which down dependency is the root)
 * @param facts the facts of a dependency; undefined for one that is unknown (archived): ignored
 */
export function decideFailure(
  dependencies: ReadonlySet<number>,
  dependenciesOf: (id: number) => ReadonlySet<number>,
  facts: (id: number) => DependencyFacts | undefined,
  nowMs: number,
): DependencyDecision {
  const down = [...dependencies].filter((id) => facts(id)?.status === "down");
  if (down.length) {
    // The root cause is a down dependency that is not itself down because of another one
    // (DNS, not the port behind it); of several, the oldest outage, then the lowest id.
    const roots = down.filter((id) => ![...dependenciesOf(id)].some((d) => facts(d)?.status === "down"));
    const pick = (roots.length ? roots : down).sort(
      (a, b) => (facts(a)!.since ?? Number.POSITIVE_INFINITY) - (facts(b)!.since ?? Number.POSITIVE_INFINITY) || a - b,
    )[0];
    return { kind: "covered", rootId: pick };
  }
  let wait: DependencyDecision | null = null;
  for (const id of [...dependencies].sort((a, b) => a - b)) {
    const f = facts(id);
    if (!f) continue;
    if (f.downQueued) return { kind: "wait", dependencyId: id, untilMs: null };
    if (f.failingSince === null) continue;
    const until = f.failingSince + f.confirmWithinMs + CONFIRM_SLACK_MS;
    if (nowMs < until && (wait === null || (wait.kind === "wait" && wait.untilMs !== null && until > wait.untilMs)))
      wait = { kind: "wait", dependencyId: id, untilMs: until };
  }
  return wait ?? { kind: "own" };
}

/** A failure that may be attributed to a dependency (both count as downtime; only down makes a root cause). */
export function isFailure(status: string): boolean {
  return status === "down" || status === "degraded";
}
