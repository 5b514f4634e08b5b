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
  const rows = await db.incident.findMany({
    where: { resolvedAt: null, ...PUBLIC_INCIDENT },
    include: INCLUDE,
    orderBy: { startedAt: "desc" },
  });
  return rows.map(toPublic);
}

export async function recentIncidents(db: Db, limit = 50): Promise<PublicIncident[]> {
  const rows = await db.incident.findMany({ where: PUBLIC_INCIDENT, include: INCLUDE, orderBy: { startedAt: "desc" }, take: limit });
  return rows.map(toPublic);
}

export async function incidentsBetween(db: Db, from: Date, to: Date): Promise<PublicIncident[]> {
  const rows = await db.incident.findMany({
    where: { startedAt: { gte: from, lt: to }, ...PUBLIC_INCIDENT },
    include: INCLUDE,
    orderBy: { startedAt: "desc" },
  });
  return rows.map(toPublic);
}

export async function publicIncident(db: Db, id: number): Promise<PublicIncident | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const row = await db.incident.findFirst({ where: { id, ...PUBLIC_INCIDENT }, include: INCLUDE });
  return row ? toPublic(row) : null;
}

/** Incidents that touched one monitor, newest first. */
export async function incidentsForMonitor(db: Db, monitorId: number, limit = 10): Promise<PublicIncident[]> {
  const rows = await db.incident.findMany({
    where: { monitors: { some: { monitorId } } },
    include: INCLUDE,
    orderBy: { startedAt: "desc" },
    take: limit,
  });
  return rows.map(toPublic);
}

/** A component whose status changed between an update and the one before it (Statuspage's affected_components). */
export interface AffectedComponent {
  code: string;
  name: string;
  old_status: string;
  new_status: string;
}

/** What each update of these incidents changed and whether its notification went out. */
export interface UpdateFacts {
  affected: Map<number, AffectedComponent[]>;
  /** Update ids whose event was delivered to at least one channel or subscriber. */
  delivered: Set<number>;
}

const STATE_AS_COMPONENT: Record<string, string> = { up: "operational", degraded: "degraded_performance", down: "major_outage" };

/**
 * The event an update was announced by: the first update opens the incident, a resolving update
 * resolves it, every other one is its own incident.updated (monitors/notify/event-builders.ts).
 */
function updateEventKey(incidentId: number, updates: PublicIncidentUpdate[], u: PublicIncidentUpdate): string {
  const first = updates.reduce((a, b) =>
    b.createdAt < a.createdAt || (b.createdAt.getTime() === a.createdAt.getTime() && b.id < a.id) ? b : a,
  );
  if (u.id === first.id) return `incident.opened:${incidentId}`;
  if (u.status === "resolved") return `incident.resolved:${incidentId}`;
  return `incident.updated:${u.id}`;
}

/**
 * For each update: the public monitors whose confirmed state changed since the update before it
 * (from the stored state changes, so it says what was observed, not what was typed), and whether
 * the update's notification was actually delivered.
 */
export async function incidentUpdateFacts(db: Db, incidents: PublicIncident[]): Promise<UpdateFacts> {
  const affected = new Map<number, AffectedComponent[]>();
  const delivered = new Set<number>();
  if (!incidents.length) return { affected, delivered };
  const slugs = [...new Set(incidents.flatMap((i) => i.monitors.map((m) => m.slug)))];
  const earliest = new Date(Math.min(...incidents.map((i) => i.startedAt.getTime())));
  const keys = new Map<string, number>();
  for (const i of incidents) for (const u of i.updates) keys.set(updateEventKey(i.id, i.updates, u), u.id);
  const [changes, sent] = await Promise.all([
    slugs.length
      ? db.stateChange.findMany({
          where: { monitor: { slug: { in: slugs }, isPublic: true }, confirmedAt: { gte: earliest } },
          select: { fromStatus: true, toStatus: true, confirmedAt: true, monitor: { select: { slug: true, name: true } } },
          orderBy: { confirmedAt: "asc" },
        })
      : Promise.resolve([]),
    db.outbox.findMany({
      where: { eventKey: { in: [...keys.keys()] }, status: "delivered" },
      select: { eventKey: true },
      distinct: ["eventKey"],
    }),
  ]);
  for (const r of sent) delivered.add(keys.get(r.eventKey)!);
  for (const i of incidents) {
    const members = new Set(i.monitors.map((m) => m.slug));
    const ordered = [...i.updates].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
    let after = i.startedAt.getTime() - 1;
    for (const u of ordered) {
      const until = u.createdAt.getTime();
      const list: AffectedComponent[] = [];
      for (const c of changes) {
        const at = c.confirmedAt.getTime();
        if (at <= after || at > until || !members.has(c.monitor.slug)) continue;
        const from = STATE_AS_COMPONENT[c.fromStatus];
        const to = STATE_AS_COMPONENT[c.toStatus];
        if (from && to) list.push({ code: c.monitor.slug, name: c.monitor.name, old_status: from, new_status: to });
      }
      affected.set(u.id, list);
      after = until;
    }
  }
  return { affected, delivered };
}
