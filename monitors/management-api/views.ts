import { z } from "zod";
import type { Db } from "../store/client";
import { IMPACTS, INCIDENT_STATUSES } from "../incidents/incident-lifecycle";
import { recentAudit } from "../auth/audit";
import { DAY_MS } from "../core/duration";

/**
 * What the management API answers, as zod schemas (the OpenAPI document's response schemas) and
 * the functions that build each answer from the database. Tests parse real answers with these
 * schemas, so the document cannot drift from what is sent.
 */

const instant = z.iso.datetime({ offset: true });
const maybeInstant = instant.nullable();
const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export const ErrorView = z
  .object({
    error: z.string().meta({ description: "What is wrong, in words." }),
    problems: z
      .array(
        z.object({
          in: z.enum(["body", "path", "query"]),
          path: z
            .string()
            .meta({ description: 'Where in that part, dotted ("monitors.registry-api", "scopes[1]"); "" for the whole of it.' }),
          message: z.string(),
        }),
      )
      .optional()
      .meta({ description: "One entry per problem (400 only)." }),
  })
  .meta({ id: "Error" });

export const MonitorView = z
  .object({
    slug: z.string(),
    name: z.string(),
    group: z.string(),
    kind: z.string(),
    public: z.boolean(),
    state: z
      .object({
        status: z
          .string()
          .meta({ description: "Confirmed state after hysteresis: up, degraded, down, maintenance, or unknown (never checked)." }),
        since: maybeInstant,
        lastCheckedAt: maybeInstant.meta({ description: "Slot of the last stored check." }),
        lastStatus: z.string().nullable(),
        lastLatencyMs: z.number().nullable(),
        lastError: z.string().nullable(),
      })
      .nullable()
      .meta({ description: "null when the monitor was never checked." }),
    silencedUntil: maybeInstant.meta({ description: "Channel notifications about this monitor are held until then (null: not silenced)." }),
    silenceReason: z.string().nullable(),
  })
  .meta({ id: "Monitor" });
export type MonitorView = z.infer<typeof MonitorView>;

export const IncidentView = z
  .object({
    id: z.number().int(),
    title: z.string(),
    status: z.enum(INCIDENT_STATUSES),
    impact: z.enum(IMPACTS),
    automatic: z.boolean(),
    startedAt: instant,
    resolvedAt: maybeInstant,
    acknowledgedAt: maybeInstant,
    acknowledgedBy: z.string().nullable(),
    postmortem: z.string().nullable(),
    monitors: z.array(z.object({ slug: z.string(), name: z.string(), impact: z.enum(IMPACTS), recoveredAt: maybeInstant })),
    updates: z
      .array(z.object({ id: z.number().int(), status: z.string(), body: z.string(), createdAt: instant, author: z.string().nullable() }))
      .meta({ description: "Newest first." }),
  })
  .meta({ id: "Incident" });
export type IncidentView = z.infer<typeof IncidentView>;

export const MaintenanceView = z
  .object({
    id: z.number().int(),
    title: z.string(),
    body: z.string(),
    startsAt: instant,
    endsAt: instant,
    cancelledAt: maybeInstant,
    recurrence: z.string().nullable().meta({ description: "Cron expression of a series; null for a one-off window." }),
    timeZone: z.string(),
    durationMinutes: z.number().int().nullable(),
    seriesId: z.number().int().nullable().meta({ description: "The series an occurrence belongs to." }),
    monitors: z.array(z.string()),
  })
  .meta({ id: "Maintenance" });

export const SubscriberView = z
  .object({
    id: z.number().int(),
    email: z.string(),
    monitors: z.array(z.string()).meta({ description: "Empty: every public monitor." }),
    confirmed: z.boolean(),
    createdAt: instant,
  })
  .meta({ id: "Subscriber" });

export const AuditEntryView = z
  .object({
    id: z.number().int(),
    at: instant,
    action: z.string(),
    target: z.string().nullable(),
    by: z.string().nullable().meta({ description: 'A user\'s email, "API token <name>", or null for the system and the command line.' }),
    details: z.unknown(),
  })
  .meta({ id: "AuditEntry" });

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export async function monitorViews(db: Db, now = new Date(), slug?: string): Promise<MonitorView[]> {
  const rows = await db.monitor.findMany({
    where: { archivedAt: null, ...(slug ? { slug } : {}) },
    include: { state: true, silence: true },
    orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
  });
  return rows.map((m) => {
    const silence = m.silence && m.silence.until > now ? m.silence : null;
    return {
      slug: m.slug,
      name: m.name,
      group: m.group,
      kind: m.kind,
      public: m.isPublic,
      state: m.state
        ? {
            status: m.state.status,
            since: iso(m.state.since),
            lastCheckedAt: iso(m.state.lastSlot),
            lastStatus: m.state.lastStatus,
            lastLatencyMs: m.state.lastLatencyMs,
            lastError: m.state.lastError,
          }
        : null,
      silencedUntil: iso(silence?.until),
      silenceReason: silence ? silence.reason : null,
    };
  });
}

const incidentInclude = {
  acknowledgedBy: { select: { email: true } },
  monitors: { include: { monitor: { select: { slug: true, name: true } } } },
  updates: { orderBy: { id: "desc" as const }, include: { author: { select: { email: true } } } },
};

type IncidentRow = NonNullable<Awaited<ReturnType<typeof loadIncidentRow>>>;
function loadIncidentRow(db: Db, id: number) {
  return db.incident.findUnique({ where: { id }, include: incidentInclude });
}

function incidentView(r: IncidentRow): IncidentView {
  return {
    id: r.id,
    title: r.title,
    status: r.status as IncidentView["status"],
    impact: r.impact as IncidentView["impact"],
    automatic: r.auto,
    startedAt: r.startedAt.toISOString(),
    resolvedAt: iso(r.resolvedAt),
    acknowledgedAt: iso(r.acknowledgedAt),
    acknowledgedBy: r.acknowledgedBy?.email ?? null,
    postmortem: r.postmortem,
    monitors: r.monitors.map((m) => ({
      slug: m.monitor.slug,
      name: m.monitor.name,
      impact: m.impact as IncidentView["impact"],
      recoveredAt: iso(m.recoveredAt),
    })),
    updates: r.updates.map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      createdAt: u.createdAt.toISOString(),
      author: u.author?.email ?? null,
    })),
  };
}

export async function incidentById(db: Db, id: number): Promise<IncidentView | null> {
  const r = await loadIncidentRow(db, id);
  return r ? incidentView(r) : null;
}

export async function incidentList(db: Db, opts: { state: "open" | "resolved" | "all"; limit: number }): Promise<IncidentView[]> {
  const rows = await db.incident.findMany({
    where: opts.state === "open" ? { resolvedAt: null } : opts.state === "resolved" ? { resolvedAt: { not: null } } : {},
    include: incidentInclude,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: opts.limit,
  });
  return rows.map(incidentView);
}

const maintenanceInclude = { monitors: { include: { monitor: { select: { slug: true } } } } };
type MaintenanceRow = NonNullable<Awaited<ReturnType<typeof loadMaintenanceRow>>>;
function loadMaintenanceRow(db: Db, id: number) {
  return db.maintenance.findUnique({ where: { id }, include: maintenanceInclude });
}

function maintenanceView(m: MaintenanceRow): z.infer<typeof MaintenanceView> {
  return {
    id: m.id,
    title: m.title,
    body: m.body,
    startsAt: m.startsAt.toISOString(),
    endsAt: m.endsAt.toISOString(),
    cancelledAt: iso(m.cancelledAt),
    recurrence: m.recurrence,
    timeZone: m.timeZone,
    durationMinutes: m.durationMinutes,
    seriesId: m.seriesId,
    monitors: m.monitors.map((x) => x.monitor.slug),
  };
}

export async function maintenanceById(db: Db, id: number) {
  const m = await loadMaintenanceRow(db, id);
  return m ? maintenanceView(m) : null;
}

/** Series, and windows that end after `since` (default: a week ago), soonest first. */
export async function maintenanceList(db: Db, now = new Date()) {
  const rows = await db.maintenance.findMany({
    where: { OR: [{ recurrence: { not: null } }, { endsAt: { gt: new Date(now.getTime() - 7 * DAY_MS) } }] },
    include: maintenanceInclude,
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: 500,
  });
  return rows.map(maintenanceView);
}

export async function subscriberList(db: Db) {
  const rows = await db.subscriber.findMany({
    orderBy: { id: "asc" },
    select: { id: true, email: true, monitors: true, confirmedAt: true, createdAt: true },
  });
  return rows.map((s) => ({
    id: s.id,
    email: s.email,
    monitors: stringList(s.monitors),
    confirmed: s.confirmedAt !== null,
    createdAt: s.createdAt.toISOString(),
  }));
}

export async function auditList(db: Db, opts: { limit: number; before?: number }) {
  const rows = await recentAudit(db, opts);
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    action: r.action,
    target: r.target,
    by: r.tokenName ? `API token ${r.tokenName}` : r.userEmail,
    details: r.details ?? null,
  }));
}
