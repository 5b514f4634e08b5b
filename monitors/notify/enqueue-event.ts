import type { Prisma } from "@prisma/client";
import type { Tx } from "../store/client";
import type { NotificationEvent, EventType } from "./notification-event";
import { wantsEvent } from "./channel-filter";
import { appSecret, deriveToken } from "../auth/app-secret";
import { newToken, tokenHash } from "../auth/session-token";
import type { Env } from "../config/secrets";
import { HOUR_MS } from "../core/duration";

/** An event ready to queue: the maintainers' view, and the public view for subscribers (null when not public). */
export interface QueuedEvent {
  event: NotificationEvent;
  publicEvent: NotificationEvent | null;
  /** Every affected monitor, for channels' monitor filters. */
  monitorSlugs: string[];
  /** The public ones, for subscribers' choices. */
  publicSlugs: string[];
  /** Reminders go to on-call channels only. */
  onCallOnly?: boolean;
  /** Adds a single-use acknowledge link for on-call channels. */
  ackIncidentId?: number;
}

/** What subscribers hear about: the public story, not every acknowledgement or reminder. */
const SUBSCRIBER_EVENTS: readonly EventType[] = ["incident.opened", "incident.updated", "incident.resolved", "maintenance.scheduled"];
export const ACK_LINK_TTL_MS = 24 * HOUR_MS;

/**
 * Whether every monitor of the event is silenced now (monitor.silence): then the maintainers'
 * channels hear nothing of it. An event about no monitor is never silenced.
 */
async function allSilenced(tx: Tx, slugs: string[], now: Date): Promise<boolean> {
  if (!slugs.length) return false;
  const silenced = await tx.monitorSilence.count({ where: { until: { gt: now }, monitor: { slug: { in: slugs } } } });
  return silenced === new Set(slugs).size;
}

/**
 * Queues one outbox row per target that wants the event, inside the caller's transaction,
 * so the event is queued exactly when the change that caused it commits. Queuing the same
 * event id twice does nothing, which lets periodic jobs (reminders, maintenance start/end)
 * run as often as they like.
 */
export async function enqueueEvent(tx: Tx, q: QueuedEvent, now: Date, env: Env = process.env): Promise<number> {
  const already = await tx.outbox.findFirst({ where: { eventKey: q.event.id }, select: { id: true } });
  if (already) return 0;
  const rows: Prisma.OutboxCreateManyInput[] = [];
  const channels = (await allSilenced(tx, q.monitorSlugs, now))
    ? []
    : await tx.notificationChannel.findMany({
        where: { enabled: true, ...(q.onCallOnly ? { onCall: true } : {}) },
        orderBy: { id: "asc" },
      });
  for (const c of channels) {
    if (!wantsEvent(c, q.event.type, q.monitorSlugs)) continue;
    let payload = q.event;
    if (q.ackIncidentId !== undefined && c.onCall) {
      const token = newToken();
      await tx.actionToken.create({
        data: {
          tokenHash: tokenHash(token),
          purpose: "incident.ack",
          incidentId: q.ackIncidentId,
          target: `channel:${c.id}`,
          expiresAt: new Date(now.getTime() + ACK_LINK_TTL_MS),
        },
      });
      payload = { ...payload, ackUrl: `${q.event.site.url}/ack/${token}` };
    }
    rows.push({
      eventKey: q.event.id,
      target: `channel:${c.id}`,
      channelId: c.id,
      payload: payload as unknown as Prisma.InputJsonValue,
      nextAttemptAt: now,
    });
  }
  if (q.publicEvent && SUBSCRIBER_EVENTS.includes(q.event.type)) {
    const subscribers = await tx.subscriber.findMany({
      where: { confirmedAt: { not: null } },
      select: { id: true, monitors: true },
      orderBy: { id: "asc" },
    });
    const secret = subscribers.length ? await appSecret(tx, env) : null;
    for (const s of subscribers) {
      if (!wantsEvent({ events: [], monitors: s.monitors }, q.event.type, q.publicSlugs)) continue;
      // GET shows a confirm button; POST (RFC 8058 one-click, from mail clients) unsubscribes at once.
      const unsubscribeUrl = `${q.event.site.url}/api/unsubscribe/${s.id}.${deriveToken(secret!, "unsubscribe", s.id)}`;
      rows.push({
        eventKey: q.event.id,
        target: `subscriber:${s.id}`,
        subscriberId: s.id,
        payload: { ...q.publicEvent, unsubscribeUrl } as unknown as Prisma.InputJsonValue,
        nextAttemptAt: now,
      });
    }
  }
  if (rows.length) await tx.outbox.createMany({ data: rows });
  return rows.length;
}
