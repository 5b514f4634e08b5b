import { agentAlive } from "./agent-liveness";
import type { Db } from "../store/client";
import { DAY_MS } from "../core/duration";

/** What the maintainers' area reads. Unlike the public queries, hidden monitors are included. */

export async function adminOpenIncidents(db: Db) {
  const rows = await db.incident.findMany({
    where: { resolvedAt: null },
    include: { acknowledgedBy: { select: { email: true } }, monitors: { include: { monitor: { select: { name: true, slug: true } } } } },
    orderBy: { startedAt: "desc" },
  });
  // Unacknowledged first: they are the ones still waking people up.
  return rows.sort((a, b) => Number(a.acknowledgedAt !== null) - Number(b.acknowledgedAt !== null));
}

export async function monitorsFailingNow(db: Db) {
  return db.monitor.findMany({
    where: { archivedAt: null, state: { status: { in: ["down", "degraded"] } } },
    select: { id: true, slug: true, name: true, isPublic: true, state: { select: { status: true, since: true, lastError: true } } },
    orderBy: { sortOrder: "asc" },
  });
}

export async function adminIncident(db: Db, id: number) {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  return db.incident.findUnique({
    where: { id },
    include: {
      acknowledgedBy: { select: { email: true } },
      monitors: { include: { monitor: { select: { name: true, slug: true, isPublic: true } } } },
      updates: { orderBy: { createdAt: "desc" }, include: { author: { select: { email: true } } } },
    },
  });
}

export async function monitorChoices(db: Db) {
  return db.monitor.findMany({
    where: { archivedAt: null },
    select: { slug: true, name: true, group: true, isPublic: true },
    orderBy: { sortOrder: "asc" },
  });
}

export async function adminMaintenances(db: Db, now = new Date()) {
  const [series, windows] = await Promise.all([
    db.maintenance.findMany({
      where: { recurrence: { not: null } },
      include: { monitors: { include: { monitor: { select: { name: true } } } } },
      orderBy: { createdAt: "desc" },
    }),
    db.maintenance.findMany({
      where: { recurrence: null, endsAt: { gt: new Date(now.getTime() - 7 * DAY_MS) } },
      include: { monitors: { include: { monitor: { select: { name: true } } } } },
      orderBy: { startsAt: "asc" },
      take: 200,
    }),
  ]);
  return { series, windows };
}

export async function adminChannels(db: Db) {
  const channels = await db.notificationChannel.findMany({ orderBy: { id: "asc" } });
  // Show where a channel sends, never its secret: the host is enough to recognise it.
  return channels.map((c) => {
    const cfg = c.config as Record<string, unknown>;
    let destination = "";
    if (typeof cfg.url === "string") {
      try {
        destination = new URL(cfg.url).host;
      } catch {
        destination = "(invalid URL)";
      }
    } else if (Array.isArray(cfg.to)) destination = cfg.to.join(", ");
    return {
      id: c.id,
      name: c.name,
      kind: c.kind,
      destination,
      events: c.events as string[],
      monitors: c.monitors as string[],
      onCall: c.onCall,
      enabled: c.enabled,
    };
  });
}

export async function outboxProblems(db: Db, limit = 50) {
  return db.outbox.findMany({
    where: { OR: [{ status: "failed" }, { status: "pending", attempts: { gt: 0 } }] },
    orderBy: { id: "desc" },
    take: limit,
    select: {
      id: true,
      eventKey: true,
      target: true,
      status: true,
      attempts: true,
      lastError: true,
      nextAttemptAt: true,
      createdAt: true,
      channel: { select: { name: true } },
    },
  });
}

export async function outboxCounts(db: Db) {
  const rows = await db.outbox.groupBy({ by: ["status"], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all])) as Record<string, number>;
}

export async function adminUsers(db: Db) {
  return db.user.findMany({
    select: {
      id: true,
      email: true,
      role: true,
      disabledAt: true,
      lockedUntil: true,
      createdAt: true,
      githubId: true,
      githubLogin: true,
      githubByMembership: true,
    },
    orderBy: { id: "asc" },
  });
}

export async function agentsSeen(db: Db, now = Date.now()) {
  const rows = await db.agent.findMany({ orderBy: { lastSeenAt: "desc" }, take: 100 });
  return rows.map((a) => ({ ...a, alive: agentAlive(a.lastSeenAt, now) }));
}

/** Management API tokens, without their hashes. */
export async function adminApiTokens(db: Db) {
  return db.apiToken.findMany({
    select: {
      id: true,
      name: true,
      scopes: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      createdAt: true,
      createdBy: { select: { email: true } },
    },
    orderBy: { id: "desc" },
  });
}

/** Monitors whose channel notifications are held now (monitor.silence). */
export async function activeSilences(db: Db, now = new Date()) {
  return db.monitorSilence.findMany({
    where: { until: { gt: now } },
    include: { monitor: { select: { slug: true, name: true } } },
    orderBy: { until: "asc" },
  });
}
