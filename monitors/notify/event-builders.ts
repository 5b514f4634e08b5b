import type { Tx } from "../store/client";
import type { EventType, NotificationEvent } from "./notification-event";
import type { QueuedEvent } from "./enqueue-event";
import { siteInfo } from "./site";
import type { Env } from "../config/secrets";

export interface IncidentEventOptions {
  /** The update the event is about; its id makes the event key of incident.updated. */
  updateId?: number;
  acknowledgedBy?: string | null;
  /** Reminder number n (the n-th reminder), part of the event key. */
  reminder?: number;
}

function eventKey(type: EventType, incidentId: number, o: IncidentEventOptions): string {
  if (type === "incident.updated") return `${type}:${o.updateId}`;
  if (type === "incident.reminder") return `${type}:${incidentId}:${o.reminder}`;
  return `${type}:${incidentId}`;
}

/** Reads the incident inside the transaction that changed it and builds both views of the event. */
export async function incidentEvent(
  tx: Tx,
  incidentId: number,
  type: EventType,
  now: Date,
  o: IncidentEventOptions = {},
  env: Env = process.env,
): Promise<QueuedEvent> {
  const inc = await tx.incident.findUniqueOrThrow({
    where: { id: incidentId },
    include: {
      monitors: {
        include: { monitor: { select: { slug: true, name: true, isPublic: true, archivedAt: true } } },
        orderBy: { monitorId: "asc" },
      },
    },
  });
  const update =
    o.updateId !== undefined
      ? await tx.incidentUpdate.findUnique({ where: { id: o.updateId } })
      : await tx.incidentUpdate.findFirst({ where: { incidentId }, orderBy: { id: "desc" } });
  const site = siteInfo(env);
  const all = inc.monitors.map((m) => ({
    slug: m.monitor.slug,
    name: m.monitor.name,
    impact: m.impact,
    isPublic: m.monitor.isPublic && !m.monitor.archivedAt,
  }));
  const visible = all.filter((m) => m.isPublic);
  const isPublic = !inc.auto || visible.length > 0;
  const base = {
    id: inc.id,
    title: inc.title,
    status: inc.status,
    impact: inc.impact,
    url: isPublic ? `${site.url}/incidents/${inc.id}` : `${site.url}/admin/incidents/${inc.id}`,
    startedAt: inc.startedAt.toISOString(),
    resolvedAt: inc.resolvedAt?.toISOString() ?? null,
    ...(update ? { update: { status: update.status, body: update.body, createdAt: update.createdAt.toISOString() } } : {}),
    ...(o.reminder !== undefined ? { unacknowledgedMinutes: Math.round((now.getTime() - inc.createdAt.getTime()) / 60_000) } : {}),
  };
  const strip = (m: (typeof all)[number]) => ({ slug: m.slug, name: m.name, impact: m.impact });
  const event: NotificationEvent = {
    id: eventKey(type, incidentId, o),
    type,
    occurredAt: now.toISOString(),
    site,
    incident: { ...base, monitors: all.map(strip), ...(o.acknowledgedBy !== undefined ? { acknowledgedBy: o.acknowledgedBy } : {}) },
  };
  const publicEvent: NotificationEvent | null = isPublic ? { ...event, incident: { ...base, monitors: visible.map(strip) } } : null;
  return { event, publicEvent, monitorSlugs: all.map((m) => m.slug), publicSlugs: visible.map((m) => m.slug) };
}

export async function maintenanceEvent(
  tx: Tx,
  maintenanceId: number,
  type: EventType,
  now: Date,
  env: Env = process.env,
): Promise<QueuedEvent> {
  const m = await tx.maintenance.findUniqueOrThrow({
    where: { id: maintenanceId },
    include: {
      monitors: {
        include: { monitor: { select: { slug: true, name: true, isPublic: true, archivedAt: true } } },
        orderBy: { monitorId: "asc" },
      },
    },
  });
  const site = siteInfo(env);
  const all = m.monitors.map((x) => ({
    slug: x.monitor.slug,
    name: x.monitor.name,
    isPublic: x.monitor.isPublic && !x.monitor.archivedAt,
  }));
  const visible = all.filter((x) => x.isPublic);
  const end = m.cancelledAt && m.cancelledAt < m.endsAt ? m.cancelledAt : m.endsAt;
  const base = {
    id: m.id,
    title: m.title,
    body: m.body,
    startsAt: m.startsAt.toISOString(),
    endsAt: end.toISOString(),
    timeZone: m.timeZone,
    url: `${site.url}/history`,
  };
  const strip = (x: (typeof all)[number]) => ({ slug: x.slug, name: x.name });
  const event: NotificationEvent = {
    id: `${type}:${m.id}`,
    type,
    occurredAt: now.toISOString(),
    site,
    maintenance: { ...base, monitors: all.map(strip) },
  };
  // A window that only touches hidden monitors is nobody's business outside the team.
  const publicEvent = visible.length || !all.length ? { ...event, maintenance: { ...base, monitors: visible.map(strip) } } : null;
  return { event, publicEvent, monitorSlugs: all.map((x) => x.slug), publicSlugs: visible.map((x) => x.slug) };
}
