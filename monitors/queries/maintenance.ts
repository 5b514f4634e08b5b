import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import { DAY_MS } from "../core/duration";

export type MaintenanceStatus = "scheduled" | "in_progress" | "completed";

export interface PublicMaintenance {
  id: number;
  title: string;
  body: string;
  startsAt: Date;
  /** When the window ended or ends: the planned end, or the moment it was ended early or cancelled. */
  endsAt: Date;
  /** The planned end, kept when the window was cancelled before it began. */
  plannedEndsAt: Date;
  cancelledAt: Date | null;
  status: MaintenanceStatus;
  createdAt: Date;
  updatedAt: Date;
  monitors: Array<{ slug: string; name: string }>;
}

function statusAt(startsAt: Date, endsAt: Date, cancelledAt: Date | null, now: number): MaintenanceStatus {
  if (cancelledAt && cancelledAt.getTime() <= now) return "completed";
  if (now < startsAt.getTime()) return "scheduled";
  if (now < endsAt.getTime()) return "in_progress";
  return "completed";
}

const SELECT = {
  id: true,
  title: true,
  body: true,
  startsAt: true,
  endsAt: true,
  cancelledAt: true,
  createdAt: true,
  updatedAt: true,
  monitors: { where: { monitor: { isPublic: true } }, select: { monitor: { select: { slug: true, name: true } } } },
} satisfies Prisma.MaintenanceSelect;

async function query(db: Db, where: Prisma.MaintenanceWhereInput, now: number, take?: number): Promise<PublicMaintenance[]> {
  // Series are templates; their occurrences are the windows.
  const rows = await db.maintenance.findMany({ where: { ...where, recurrence: null }, select: SELECT, orderBy: { startsAt: "asc" }, take });
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    body: r.body,
    startsAt: r.startsAt,
    endsAt: r.cancelledAt && r.cancelledAt < r.endsAt ? r.cancelledAt : r.endsAt,
    plannedEndsAt: r.endsAt,
    cancelledAt: r.cancelledAt,
    status: statusAt(r.startsAt, r.endsAt, r.cancelledAt, now),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    monitors: r.monitors.map((m) => m.monitor),
  }));
}

/** Ids of the monitors inside a running, uncancelled maintenance window now (of `monitorIds`, when given). */
export async function monitorsUnderMaintenance(db: Db, now = Date.now(), monitorIds?: number[]): Promise<Set<number>> {
  const rows = await db.maintenanceMonitor.findMany({
    where: {
      ...(monitorIds ? { monitorId: { in: monitorIds } } : {}),
      maintenance: { recurrence: null, cancelledAt: null, startsAt: { lte: new Date(now) }, endsAt: { gt: new Date(now) } },
    },
    select: { monitorId: true },
  });
  return new Set(rows.map((r) => r.monitorId));
}

export function activeMaintenances(db: Db, now = Date.now()): Promise<PublicMaintenance[]> {
  return query(db, { cancelledAt: null, startsAt: { lte: new Date(now) }, endsAt: { gt: new Date(now) } }, now);
}

export function upcomingMaintenances(db: Db, now = Date.now()): Promise<PublicMaintenance[]> {
  return query(db, { cancelledAt: null, startsAt: { gt: new Date(now) } }, now);
}

export function recentMaintenances(db: Db, now = Date.now(), limit = 50): Promise<PublicMaintenance[]> {
  return query(db, { startsAt: { gt: new Date(now - 90 * DAY_MS) } }, now, limit);
}

export function maintenancesBetween(db: Db, from: Date, to: Date, now = Date.now()): Promise<PublicMaintenance[]> {
  return query(db, { startsAt: { gte: from, lt: to } }, now);
}
