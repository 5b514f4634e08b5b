import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import { enqueueEvent } from "../notify/enqueue-event";
import { maintenanceEvent } from "../notify/event-builders";
import { ADVISORY_LOCKS, lockForTransaction } from "../store/advisory-lock";
import { HOUR_MS } from "../core/duration";

/** Starts and ends older than this are history, not news (the agent was down when they happened). */
const NEWS_WINDOW_MS = HOUR_MS;

/**
 * Queues "maintenance.started" and "maintenance.ended" for windows that crossed those moments
 * recently. Event keys make repeated runs harmless; a window ended early ends at cancelledAt,
 * and a window cancelled before it began neither starts nor ends.
 */
export async function queueMaintenanceTransitions(db: Db, now = Date.now(), env?: Env): Promise<number> {
  const since = new Date(now - NEWS_WINDOW_MS);
  const at = new Date(now);
  const rows = await db.maintenance.findMany({
    where: {
      recurrence: null,
      startsAt: { lte: at },
      OR: [{ startsAt: { gt: since } }, { endsAt: { gt: since, lte: at } }, { cancelledAt: { gt: since, lte: at } }],
    },
    select: { id: true, startsAt: true, endsAt: true, cancelledAt: true },
  });
  let queued = 0;
  for (const m of rows) {
    const end = m.cancelledAt && m.cancelledAt < m.endsAt ? m.cancelledAt : m.endsAt;
    if (end <= m.startsAt) continue; // cancelled before it began
    const events: Array<"maintenance.started" | "maintenance.ended"> = [];
    if (m.startsAt > since) events.push("maintenance.started");
    if (end <= at && end > since) events.push("maintenance.ended");
    for (const type of events) {
      queued += await db.$transaction(async (tx) => {
        await lockForTransaction(tx, ADVISORY_LOCKS.incidentAutomation);
        return enqueueEvent(tx, await maintenanceEvent(tx, m.id, type, at, env), at, env);
      });
    }
  }
  return queued;
}
