import { occurrencesBetween, parseRecurrence, type RecurrenceRule } from "../maintenance/recurrence";

/** When a heartbeat monitor's next ping is due: a fixed gap after the last one, or the next time of a cron rule. */
export interface HeartbeatSchedule {
  /** The first due time after a ping stamped `pingAt`. */
  dueAfterPing(pingAt: number): number;
  /** The due time after `due`, which passed without a ping. */
  dueAfterMissed(due: number): number;
}

/**
 * How far a ping may come before a cron time and still count for it: pings are stamped by the web
 * node's clock and a job started by its own cron may finish a moment early by that clock.
 */
export const EARLY_PING_TOLERANCE_MS = 5_000;

// A rule that matches nothing within this long (February 30th) has no next due time.
const CRON_HORIZON_MS = 5 * 366 * 86_400_000;

export function everySchedule(everyMs: number): HeartbeatSchedule {
  return { dueAfterPing: (t) => t + everyMs, dueAfterMissed: (due) => due + everyMs };
}

export function cronSchedule(rule: RecurrenceRule): HeartbeatSchedule {
  const next = (after: number) => {
    const [t] = occurrencesBetween(rule, new Date(after + 1), new Date(after + CRON_HORIZON_MS), 1);
    return t ? t.getTime() : Number.POSITIVE_INFINITY;
  };
  return { dueAfterPing: (t) => next(t + EARLY_PING_TOLERANCE_MS), dueAfterMissed: (due) => next(due) };
}

/** The schedule of a validated heartbeat spec; throws with the parser's message on a bad cron expression. */
export function scheduleOf(spec: { every?: number; cron?: string; tz?: string }): HeartbeatSchedule {
  if (spec.every !== undefined) return everySchedule(spec.every);
  const parsed = parseRecurrence(spec.cron ?? "", spec.tz ?? "UTC");
  if (!parsed.ok) throw new Error(parsed.error);
  return cronSchedule(parsed.rule);
}
