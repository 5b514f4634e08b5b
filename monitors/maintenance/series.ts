import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import { parseRecurrence, occurrencesBetween } from "./recurrence";
import { enqueueEvent } from "../notify/enqueue-event";
import { maintenanceEvent } from "../notify/event-builders";
import { ADVISORY_LOCKS, lockForTransaction } from "../store/advisory-lock";
import { DAY_MS } from "../core/duration";

/** How far ahead occurrences of a series exist as windows (and show as upcoming). */
export const SERIES_HORIZON_MS = 14 * DAY_MS;

/**
 * Creates the occurrences of every active series that start within the horizon and do not
 * exist yet, each as a one-off window with the series' monitors, and queues its
 * "maintenance.scheduled" event in the same transaction. Safe to run from any process at any
 * time: (seriesId, startsAt) is unique and existing occurrences are left alone, so an
 * occurrence a maintainer ended early or extended keeps that change.
 */
export async function materializeSeries(db: Db, now = Date.now(), env?: Env, onlySeriesId?: number): Promise<number> {
  const series = await db.maintenance.findMany({
    where: { recurrence: { not: null }, cancelledAt: null, endsAt: { gt: new Date(now) }, ...(onlySeriesId ? { id: onlySeriesId } : {}) },
    include: { monitors: { select: { monitorId: true } } },
  });
  let created = 0;
  for (const s of series) {
    const parsed = parseRecurrence(s.recurrence!, s.timeZone);
    if (!parsed.ok || !s.durationMinutes) continue;
    const from = new Date(Math.max(now, s.startsAt.getTime()));
    const to = new Date(Math.min(now + SERIES_HORIZON_MS, s.endsAt.getTime()));
    if (from >= to) continue;
    for (const start of occurrencesBetween(parsed.rule, from, to, 200)) {
      created += await db.$transaction(async (tx) => {
        await lockForTransaction(tx, ADVISORY_LOCKS.maintenanceSeries);
        const exists = await tx.maintenance.findUnique({
          where: { seriesId_startsAt: { seriesId: s.id, startsAt: start } },
          select: { id: true },
        });
        if (exists) return 0;
        const occurrence = await tx.maintenance.create({
          data: {
            title: s.title,
            body: s.body,
            startsAt: start,
            endsAt: new Date(start.getTime() + s.durationMinutes! * 60_000),
            timeZone: s.timeZone,
            seriesId: s.id,
            createdById: s.createdById,
            monitors: { create: s.monitors.map((m) => ({ monitorId: m.monitorId })) },
          },
        });
        await enqueueEvent(tx, await maintenanceEvent(tx, occurrence.id, "maintenance.scheduled", new Date(now), env), new Date(now), env);
        return 1;
      });
    }
  }
  return created;
}
