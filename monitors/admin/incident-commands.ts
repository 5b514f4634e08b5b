import { z } from "zod";
import { defineCommand, FieldError, NotFoundError, actorLabel, auditedAs } from "./admin-command";
import type { Tx } from "../store/client";
import { id, markdownBody, optionalInstant, title } from "./form-fields";
import { IMPACTS, INCIDENT_STATUSES, lifecycleProblem, postmortemProblem, worstImpact } from "../incidents/incident-lifecycle";
import { audit } from "../auth/audit";
import { monitorIdsBySlug } from "./monitor-slugs";
import { enqueueEvent } from "../notify/enqueue-event";
import { incidentEvent } from "../notify/event-builders";
import { DAY_MS } from "../core/duration";

const status = z.enum(INCIDENT_STATUSES, { error: `pick one of ${INCIDENT_STATUSES.join(", ")}` });
const impact = z.enum(IMPACTS, { error: `pick one of ${IMPACTS.join(", ")}` });
/** slug -> impact for each affected monitor ("none" or absent: not affected). */
const monitorImpacts = z.record(z.string().regex(/^[a-z0-9-]{1,64}$/, "unknown monitor"), impact).default({});

async function resolveMonitors(tx: Tx, impacts: Record<string, string>): Promise<Array<{ monitorId: number; impact: string }>> {
  const wanted = Object.entries(impacts).filter(([, i]) => i !== "none");
  if (!wanted.length) return [];
  const bySlug = await monitorIdsBySlug(
    tx,
    wanted.map(([s]) => s),
  );
  return wanted.map(([s, i]) => ({ monitorId: bySlug.get(s)!, impact: i }));
}

/** The incident with this id (and who acknowledged it), or a form error when there is none. */
async function loadIncident(tx: Tx, incidentId: number) {
  const inc = await tx.incident.findUnique({ where: { id: incidentId }, include: { acknowledgedBy: { select: { email: true } } } });
  if (!inc) throw new NotFoundError(`incident ${incidentId} does not exist`);
  return inc;
}

export const createIncident = defineCommand({
  permission: "incident.write",
  input: z.object({
    title,
    status: status.refine((s) => s !== "resolved", "a new incident cannot start resolved"),
    impact,
    body: markdownBody(),
    /** Backdating: when users started to notice. Empty means now. */
    startedAt: optionalInstant,
    monitors: monitorImpacts,
  }),
  async run({ db, actor, now, env }, input) {
    if (input.startedAt && input.startedAt.getTime() > now.getTime() + 60_000)
      throw new FieldError("startedAt", "cannot start in the future");
    if (input.startedAt && input.startedAt.getTime() < now.getTime() - 366 * DAY_MS)
      throw new FieldError("startedAt", "at most a year back");
    const incidentId = await db.$transaction(async (tx) => {
      const monitors = await resolveMonitors(tx, input.monitors);
      const inc = await tx.incident.create({
        data: {
          title: input.title,
          status: input.status,
          impact: worstImpact([input.impact, ...monitors.map((m) => m.impact)]),
          auto: false,
          startedAt: input.startedAt ?? now,
          // The person who opens an incident is already on it: no reminders. A token (an alert, a
          // script) is nobody: its incidents wait for a person to acknowledge them.
          ...(actor.apiToken ? {} : { acknowledgedAt: now, acknowledgedById: actor.id }),
          monitors: { create: monitors },
          updates: { create: { status: input.status, body: input.body, authorId: actor.id, createdAt: now } },
        },
      });
      await audit(tx, {
        ...auditedAs(actor),
        action: "incident.create",
        target: `incident:${inc.id}`,
        details: { title: input.title, status: input.status },
        at: now,
      });
      await enqueueEvent(tx, await incidentEvent(tx, inc.id, "incident.opened", now, {}, env), now, env);
      return inc.id;
    });
    return { redirect: `/admin/incidents/${incidentId}`, createdId: incidentId };
  },
});

export const postIncidentUpdate = defineCommand({
  permission: "incident.write",
  input: z.object({ id, status, body: markdownBody() }),
  async run({ db, actor, now, env }, input) {
    await db.$transaction(async (tx) => {
      const inc = await loadIncident(tx, input.id);
      const problem = lifecycleProblem(inc.status, input.status);
      if (problem) throw new FieldError(inc.status === "resolved" ? "form" : "status", problem);
      const resolving = input.status === "resolved";
      await tx.incident.update({
        where: { id: inc.id },
        data: {
          status: input.status,
          ...(resolving ? { resolvedAt: now } : {}),
          // A person writing an update is handling the incident: it counts as an acknowledgement.
          ...(inc.acknowledgedAt || actor.apiToken ? {} : { acknowledgedAt: now, acknowledgedById: actor.id }),
        },
      });
      const update = await tx.incidentUpdate.create({
        data: { incidentId: inc.id, status: input.status, body: input.body, authorId: actor.id, createdAt: now },
      });
      await audit(tx, {
        ...auditedAs(actor),
        action: "incident.update",
        target: `incident:${inc.id}`,
        details: { status: input.status, updateId: update.id },
        at: now,
      });
      const type = resolving ? "incident.resolved" : "incident.updated";
      await enqueueEvent(tx, await incidentEvent(tx, inc.id, type, now, { updateId: update.id }, env), now, env);
    });
    return {};
  },
});

/** Shared by the admin button and the signed link in a notification. */
export async function acknowledgeIncident(
  tx: Tx,
  incidentId: number,
  by: { userId: number | null; label: string },
  now: Date,
  env?: Record<string, string | undefined>,
): Promise<void> {
  const inc = await loadIncident(tx, incidentId);
  if (inc.resolvedAt) throw new FieldError("form", "this incident is already resolved");
  if (inc.acknowledgedAt)
    throw new FieldError(
      "form",
      `already acknowledged${inc.acknowledgedBy ? ` by ${inc.acknowledgedBy.email}` : ""} at ${inc.acknowledgedAt.toISOString()}`,
    );
  await tx.incident.update({ where: { id: inc.id }, data: { acknowledgedAt: now, acknowledgedById: by.userId } });
  await enqueueEvent(tx, await incidentEvent(tx, inc.id, "incident.acknowledged", now, { acknowledgedBy: by.label }, env), now, env);
}

export const acknowledge = defineCommand({
  permission: "incident.write",
  input: z.object({ id }),
  async run({ db, actor, now, env }, input) {
    await db.$transaction(async (tx) => {
      await acknowledgeIncident(tx, input.id, { userId: actor.id, label: actorLabel(actor) }, now, env);
      await audit(tx, { ...auditedAs(actor), action: "incident.acknowledge", target: `incident:${input.id}`, at: now });
    });
    return {};
  },
});

export const setIncidentImpact = defineCommand({
  permission: "incident.write",
  input: z.object({ id, impact, monitors: monitorImpacts }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const inc = await loadIncident(tx, input.id);
      const monitors = await resolveMonitors(tx, input.monitors);
      const keep = await tx.incidentMonitor.findMany({ where: { incidentId: inc.id }, select: { monitorId: true, recoveredAt: true } });
      const recovered = new Map(keep.map((k) => [k.monitorId, k.recoveredAt]));
      await tx.incidentMonitor.deleteMany({ where: { incidentId: inc.id } });
      if (monitors.length)
        await tx.incidentMonitor.createMany({
          data: monitors.map((m) => ({
            incidentId: inc.id,
            monitorId: m.monitorId,
            impact: m.impact,
            recoveredAt: recovered.get(m.monitorId) ?? null,
          })),
        });
      await tx.incident.update({ where: { id: inc.id }, data: { impact: input.impact } });
      await audit(tx, {
        ...auditedAs(actor),
        action: "incident.impact",
        target: `incident:${inc.id}`,
        details: { impact: input.impact, monitors: input.monitors },
        at: now,
      });
    });
    return {};
  },
});

export const writePostmortem = defineCommand({
  permission: "incident.write",
  input: z.object({ id, postmortem: markdownBody(100_000) }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const inc = await loadIncident(tx, input.id);
      const problem = postmortemProblem(inc.status);
      if (problem) throw new FieldError("postmortem", problem);
      await tx.incident.update({ where: { id: inc.id }, data: { postmortem: input.postmortem } });
      await audit(tx, { ...auditedAs(actor), action: "incident.postmortem", target: `incident:${inc.id}`, at: now });
    });
    return {};
  },
});
