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
