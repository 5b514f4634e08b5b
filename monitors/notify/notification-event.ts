/**
 * What a notification says, independent of the channel that carries it. Built once when the
 * event is queued and stored in the outbox row, so a retry sends exactly what was queued.
 */
export const EVENT_TYPES = [
  "incident.opened",
  "incident.updated",
  "incident.acknowledged",
  "incident.resolved",
  "incident.reminder",
  "maintenance.scheduled",
  "maintenance.started",
  "maintenance.ended",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventMonitor {
  slug: string;
  name: string;
  impact?: string;
}

export interface IncidentEventBody {
  id: number;
  title: string;
  /** investigating | identified | monitoring | resolved */
  status: string;
  /** none | minor | major | critical */
  impact: string;
  url: string;
  startedAt: string;
  resolvedAt: string | null;
  monitors: EventMonitor[];
  /** The update this event is about (opened, updated, resolved). Markdown. */
  update?: { status: string; body: string; createdAt: string };
  /** Who acknowledged (incident.acknowledged); maintainers' channels only. */
  acknowledgedBy?: string | null;
  /** For reminders: how many minutes the incident has been open without acknowledgement. */
  unacknowledgedMinutes?: number;
}

export interface MaintenanceEventBody {
  id: number;
  title: string;
  /** Markdown. */
  body: string;
  startsAt: string;
  endsAt: string;
  /** IANA zone the maintainer scheduled it in, for display. */
  timeZone: string;
  url: string;
  monitors: EventMonitor[];
}

export interface NotificationEvent {
  /** Stable id of the event, the same for every target ("incident.opened:12"). Receivers can dedupe on it. */
  id: string;
  type: EventType;
  occurredAt: string;
  site: { name: string; url: string };
  incident?: IncidentEventBody;
  maintenance?: MaintenanceEventBody;
  /** A single-use link that acknowledges the incident (on-call channels only). */
  ackUrl?: string;
  /** One-click unsubscribe (subscriber emails only). */
  unsubscribeUrl?: string;
}

/** A short human sentence for the event, used as a subject line or a chat message's first line. */
export function eventHeadline(e: NotificationEvent): string {
  const i = e.incident;
  const m = e.maintenance;
  switch (e.type) {
    case "incident.opened":
      return `Incident: ${i?.title}`;
    case "incident.updated":
      return `${capitalise(i?.update?.status ?? i?.status ?? "update")}: ${i?.title}`;
    case "incident.acknowledged":
      return `Acknowledged${i?.acknowledgedBy ? ` by ${i.acknowledgedBy}` : ""}: ${i?.title}`;
    case "incident.resolved":
      return `Resolved: ${i?.title}`;
    case "incident.reminder":
      return `Unacknowledged for ${i?.unacknowledgedMinutes ?? "?"} min: ${i?.title}`;
    case "maintenance.scheduled":
      return `Maintenance scheduled: ${m?.title}`;
    case "maintenance.started":
      return `Maintenance started: ${m?.title}`;
    case "maintenance.ended":
      return `Maintenance ended: ${m?.title}`;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
