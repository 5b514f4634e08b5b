import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import { enqueueEvent } from "../notify/enqueue-event";
import { incidentEvent } from "../notify/event-builders";
import { ADVISORY_LOCKS, lockForTransaction } from "../store/advisory-lock";

export interface ReminderSubject {
  createdAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
}

/**
 * The number of the reminder due now (1 after one interval without acknowledgement, 2 after
 * two…), or null. Counted from when the incident was opened, not from when it started, so a
 * backdated incident does not fire a burst of reminders at once.
 */
export function dueReminder(i: ReminderSubject, now: number, everyMs: number): number | null {
  if (everyMs <= 0 || i.acknowledgedAt || i.resolvedAt) return null;
  const n = Math.floor((now - i.createdAt.getTime()) / everyMs);
  return n >= 1 ? n : null;
}

/**
 * Queues the due reminder of every open, unacknowledged incident for on-call channels. The
 * event key carries the reminder number, so running this every few seconds queues each
 * reminder once, and a reminder missed while the agent was down is sent once, not n times.
 */
export async function queueDueReminders(db: Db, everyMs: number, now = Date.now(), env?: Env): Promise<number> {
  if (everyMs <= 0) return 0;
  const open = await db.incident.findMany({
    where: { resolvedAt: null, acknowledgedAt: null, createdAt: { lte: new Date(now - everyMs) } },
    select: { id: true, createdAt: true, acknowledgedAt: true, resolvedAt: true },
  });
  let queued = 0;
  for (const inc of open) {
    const n = dueReminder(inc, now, everyMs);
    if (n === null) continue;
    queued += await db.$transaction(async (tx) => {
      await lockForTransaction(tx, ADVISORY_LOCKS.incidentAutomation);
      return enqueueEvent(
        tx,
        {
          ...(await incidentEvent(tx, inc.id, "incident.reminder", new Date(now), { reminder: n }, env)),
          onCallOnly: true,
          ackIncidentId: inc.id,
        },
        new Date(now),
        env,
      );
    });
  }
  return queued;
}
