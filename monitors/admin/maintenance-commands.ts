import { z } from "zod";
import { defineCommand, FieldError, NotFoundError, auditedAs } from "./admin-command";
import type { Tx } from "../store/client";
import { id, optionalInstant, slugList, title } from "./form-fields";
import { audit } from "../auth/audit";
import { monitorIdsBySlug } from "./monitor-slugs";
import { enqueueEvent } from "../notify/enqueue-event";
import { maintenanceEvent } from "../notify/event-builders";
import { minimumGapMinutes, parseRecurrence } from "../maintenance/recurrence";
import { materializeSeries } from "../maintenance/series";

const MAX_WINDOW_MINUTES = 7 * 24 * 60;
const FAR_FUTURE = new Date(Date.UTC(9999, 0, 1));

async function monitorIds(tx: Tx, slugs: string[]): Promise<number[]> {
  if (!slugs.length) throw new FieldError("monitors", "pick at least one monitor");
  return [...(await monitorIdsBySlug(tx, slugs)).values()];
}

export const scheduleMaintenance = defineCommand({
  permission: "maintenance.write",
  input: z.object({
    title,
    body: z.string().trim().max(20_000, "at most 20000 characters").default(""),
    monitors: slugList,
    repeat: z.enum(["once", "recurring"], { error: "pick once or recurring" }).default("once"),
    startsAt: optionalInstant,
    endsAt: optionalInstant,
    recurrence: z.string().trim().max(100).default(""),
    timeZone: z.string().trim().max(64).default("UTC"),
    durationMinutes: z.coerce
      .number({ error: "a number of minutes" })
      .int("whole minutes")
      .min(1, "at least 1 minute")
      .max(MAX_WINDOW_MINUTES, "at most 7 days")
      .optional(),
  }),
  async run({ db, actor, now, env }, input) {
    if (input.repeat === "once") {
      if (!input.startsAt) throw new FieldError("startsAt", "pick a start");
      if (!input.endsAt) throw new FieldError("endsAt", "pick an end");
      if (input.endsAt <= input.startsAt) throw new FieldError("endsAt", "must be after the start");
      if (input.endsAt.getTime() <= now.getTime()) throw new FieldError("endsAt", "is in the past");
      if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_WINDOW_MINUTES * 60_000)
        throw new FieldError("endsAt", "a window lasts at most 7 days");
      const created = await db.$transaction(async (tx) => {
        const ids = await monitorIds(tx, input.monitors);
        const m = await tx.maintenance.create({
          data: {
            title: input.title,
            body: input.body,
            startsAt: input.startsAt!,
            endsAt: input.endsAt!,
            timeZone: input.timeZone || "UTC",
            createdById: actor.id,
            monitors: { create: ids.map((monitorId) => ({ monitorId })) },
          },
        });
        await audit(tx, {
          ...auditedAs(actor),
          action: "maintenance.create",
          target: `maintenance:${m.id}`,
          details: { title: input.title },
          at: now,
        });
        await enqueueEvent(tx, await maintenanceEvent(tx, m.id, "maintenance.scheduled", now, env), now, env);
        return m.id;
      });
      return { redirect: `/admin/maintenance#m${created}`, createdId: created };
    }
    const parsed = parseRecurrence(input.recurrence, input.timeZone || "UTC");
    if (!parsed.ok) throw new FieldError(/zone/i.test(parsed.error) ? "timeZone" : "recurrence", parsed.error);
    if (!input.durationMinutes) throw new FieldError("durationMinutes", "how long each window lasts, in minutes");
    const from = input.startsAt ?? now;
    const until = input.endsAt ?? FAR_FUTURE;
    if (until <= from) throw new FieldError("endsAt", "the series must end after it starts");
    const gap = minimumGapMinutes(parsed.rule, from);
    if (gap !== null && gap < input.durationMinutes)
      throw new FieldError("durationMinutes", `windows would overlap: occurrences are ${gap} minutes apart`);
    const seriesId = await db.$transaction(async (tx) => {
      const ids = await monitorIds(tx, input.monitors);
      const s = await tx.maintenance.create({
        data: {
          title: input.title,
          body: input.body,
          startsAt: from,
          endsAt: until,
          recurrence: parsed.rule.expression,
          timeZone: parsed.rule.timeZone,
          durationMinutes: input.durationMinutes,
          createdById: actor.id,
          monitors: { create: ids.map((monitorId) => ({ monitorId })) },
        },
      });
      await audit(tx, {
        ...auditedAs(actor),
        action: "maintenance.create_series",
        target: `maintenance:${s.id}`,
        details: { title: input.title, recurrence: parsed.rule.expression, timeZone: parsed.rule.timeZone },
        at: now,
      });
      return s.id;
    });
    // Occurrences exist right away (upcoming on the status page), each queued as scheduled.
    await materializeSeries(db, now.getTime(), env, seriesId);
    return { redirect: `/admin/maintenance#m${seriesId}`, createdId: seriesId };
  },
});

/** Ends a running window now, cancels one that has not started, or stops a series (its future occurrences too). */
export const endMaintenance = defineCommand({
  permission: "maintenance.write",
  input: z.object({ id }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const m = await tx.maintenance.findUnique({ where: { id: input.id } });
      if (!m) throw new NotFoundError(`maintenance ${input.id} does not exist`);
      const end = m.cancelledAt && m.cancelledAt < m.endsAt ? m.cancelledAt : m.endsAt;
      if (!m.recurrence && end <= now) throw new FieldError("form", "this window is already over");
      if (m.recurrence && m.cancelledAt) throw new FieldError("form", "this series is already stopped");
      await tx.maintenance.update({ where: { id: m.id }, data: { cancelledAt: now } });
      if (m.recurrence)
        await tx.maintenance.updateMany({
          where: { seriesId: m.id, startsAt: { gt: now }, cancelledAt: null },
          data: { cancelledAt: now },
        });
      const action = m.recurrence ? "maintenance.stop_series" : m.startsAt <= now ? "maintenance.end" : "maintenance.cancel";
      await audit(tx, { ...auditedAs(actor), action, target: `maintenance:${m.id}`, at: now });
    });
    return {};
  },
});

export const extendMaintenance = defineCommand({
  permission: "maintenance.write",
  input: z.object({
    id,
    minutes: z.coerce
      .number({ error: "a number of minutes" })
      .int("whole minutes")
      .min(1, "at least 1 minute")
      .max(24 * 60, "at most 24 hours at a time"),
  }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const m = await tx.maintenance.findUnique({ where: { id: input.id } });
      if (!m) throw new NotFoundError(`maintenance ${input.id} does not exist`);
      if (m.recurrence) throw new FieldError("form", "extend an occurrence, not the series");
      if (m.cancelledAt || m.endsAt <= now) throw new FieldError("minutes", "this window is over; schedule a new one");
      const endsAt = new Date(m.endsAt.getTime() + input.minutes * 60_000);
      if (endsAt.getTime() - m.startsAt.getTime() > MAX_WINDOW_MINUTES * 60_000)
        throw new FieldError("minutes", "a window lasts at most 7 days");
      await tx.maintenance.update({ where: { id: m.id }, data: { endsAt } });
      await audit(tx, {
        ...auditedAs(actor),
        action: "maintenance.extend",
        target: `maintenance:${m.id}`,
        details: { minutes: input.minutes, endsAt: endsAt.toISOString() },
        at: now,
      });
    });
    return {};
  },
});
