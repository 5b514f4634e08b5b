import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";

export interface PublicIncidentUpdate {
  id: number;
  status: string;
  body: string;
  createdAt: Date;
}

export interface PublicIncident {
  id: number;
  title: string;
  status: string;
  impact: string;
  startedAt: Date;
  resolvedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  postmortem: string | null;
  updates: PublicIncidentUpdate[];
  monitors: Array<{ slug: string; name: string; impact: string }>;
}

/**
 * An incident is public when a maintainer wrote it, or when it touches a public monitor:
 * an automatic incident about hidden monitors only must not reveal them.
 */
const PUBLIC_INCIDENT: Prisma.IncidentWhereInput = {
  OR: [{ auto: false }, { monitors: { some: { monitor: { isPublic: true, archivedAt: null } } } }],
};

const INCLUDE = {
  updates: { orderBy: { createdAt: "desc" as const }, select: { id: true, status: true, body: true, createdAt: true } },
  monitors: { where: { monitor: { isPublic: true } }, select: { impact: true, monitor: { select: { slug: true, name: true } } } },
} satisfies Prisma.IncidentInclude;

type Row = Prisma.IncidentGetPayload<{ include: typeof INCLUDE }>;

function toPublic(r: Row): PublicIncident {
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    impact: r.impact,
    startedAt: r.startedAt,
    resolvedAt: r.resolvedAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    postmortem: r.postmortem,
    updates: r.updates,
    monitors: r.monitors.map((m) => ({ slug: m.monitor.slug, name: m.monitor.name, impact: m.impact })),
  };
}

/** Impacts of the open public incidents, for the overall status. */
export async function openIncidentImpacts(db: Db): Promise<string[]> {
  const rows = await db.incident.findMany({ where: { resolvedAt: null, ...PUBLIC_INCIDENT }, select: { impact: true } });
  return rows.map((r) => r.impact);
}

export async function unresolvedIncidents(db: Db): Promise<PublicIncident[]> {
  const rows = await db.incident.findMany({ where: { resolvedAt: null, ...PUBLIC_INCIDENT }, include: INCLUDE, orderBy: { startedAt: "desc" } });
  return rows.map(toPublic);
}

export async function recentIncidents(db: Db, limit = 50): Promise<PublicIncident[]> {
  const rows = await db.incident.findMany({ where: PUBLIC_INCIDENT, include: INCLUDE, orderBy: { startedAt: "desc" }, take: limit });
  return rows.map(toPublic);
}

export async function incidentsBetween(db: Db, from: Date, to: Date): Promise<PublicIncident[]> {
  const rows = await db.incident.findMany({ where: { startedAt: { gte: from, lt: to }, ...PUBLIC_INCIDENT }, include: INCLUDE, orderBy: { startedAt: "desc" } });
  return rows.map(toPublic);
}

export async function publicIncident(db: Db, id: number): Promise<PublicIncident | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const row = await db.incident.findFirst({ where: { id, ...PUBLIC_INCIDENT }, include: INCLUDE });
  return row ? toPublic(row) : null;
}

/** Incidents that touched one monitor, newest first. */
export async function incidentsForMonitor(db: Db, monitorId: number, limit = 10): Promise<PublicIncident[]> {
  const rows = await db.incident.findMany({ where: { monitors: { some: { monitorId } } }, include: INCLUDE, orderBy: { startedAt: "desc" }, take: limit });
  return rows.map(toPublic);
}
