import { z } from "zod";

/**
 * The parts of an RDAP domain object (RFC 9083 §5.3) the domain probe reads. Everything else
 * (entities, nameservers, links, notices…) is allowed and ignored.
 */
const event = z.object({ eventAction: z.string(), eventDate: z.string() });
const domainObject = z.object({
  objectClassName: z.literal("domain", { error: 'objectClassName must be "domain"' }),
  ldhName: z.string().optional(),
  status: z.array(z.string()).default([]),
  events: z.array(event).default([]),
});

export interface DomainRecord {
  ldhName: string | null;
  /** RFC 8056 status values, lower case ("active", "client transfer prohibited", "redemption period"…). */
  status: string[];
  expiresAt: Date | null;
  registeredAt: Date | null;
  lastChangedAt: Date | null;
}

export type ReadRecord = { ok: true; record: DomainRecord } | { ok: false; problem: string };

/** The latest date of the events with this action; a date that does not parse is a problem. */
function eventDate(events: Array<z.infer<typeof event>>, action: string): { date: Date | null } | { problem: string } {
  let latest: Date | null = null;
  for (const e of events) {
    if (e.eventAction.toLowerCase() !== action) continue;
    const at = new Date(e.eventDate);
    if (Number.isNaN(at.getTime()))
      return { problem: `the "${action}" event's eventDate is not a date: ${JSON.stringify(e.eventDate.slice(0, 40))}` };
    if (!latest || at > latest) latest = at;
  }
  return { date: latest };
}

/** Reads an RDAP answer (already parsed JSON) as a domain record, or says what is wrong with it. */
export function readDomainRecord(json: unknown): ReadRecord {
  const parsed = domainObject.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join(".") : "(top level)";
    return { ok: false, problem: `not an RDAP domain object: ${where}: ${issue.message}` };
  }
  const d = parsed.data;
  const dates: Record<"expiration" | "registration" | "last changed", Date | null> = {
    expiration: null,
    registration: null,
    "last changed": null,
  };
  for (const action of Object.keys(dates) as Array<keyof typeof dates>) {
    const r = eventDate(d.events, action);
    if ("problem" in r) return { ok: false, problem: r.problem };
    dates[action] = r.date;
  }
  return {
    ok: true,
    record: {
      ldhName: d.ldhName ?? null,
      status: d.status.map((s) => s.toLowerCase()),
      expiresAt: dates.expiration,
      registeredAt: dates.registration,
      lastChangedAt: dates["last changed"],
    },
  };
}
