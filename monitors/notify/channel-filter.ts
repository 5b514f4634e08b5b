import type { EventType } from "./notification-event";

export interface ChannelFilter {
  events: unknown;
  monitors: unknown;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/**
 * Whether a channel (or subscriber) chose this event. Empty lists mean everything; an event
 * about no monitor in particular (a manual incident without components) reaches only those
 * that did not narrow their monitors.
 */
export function wantsEvent(filter: ChannelFilter, type: EventType, monitorSlugs: readonly string[]): boolean {
  const events = stringList(filter.events);
  if (events.length && !events.includes(type)) return false;
  const monitors = stringList(filter.monitors);
  if (!monitors.length) return true;
  return monitorSlugs.some((s) => monitors.includes(s));
}
