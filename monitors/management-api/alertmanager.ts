import { createHash } from "node:crypto";
import { z } from "zod";
import { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import { adminCommand } from "../admin/command-registry";
import { worstImpact, type Impact } from "../incidents/incident-lifecycle";
import { ALERT_ROUTING_SETTING, storedAlertRouting, type AlertRouting } from "../config/alert-routing";
import { utcText } from "../core/utc-time";
import type { ApiContext } from "./routes";

/**
 * Prometheus Alertmanager's webhook (payload version 4, as documented in Alertmanager's
 * configuration reference). Fields Alertmanager may add later are ignored, not refused.
 */
const labelSet = z.record(z.string(), z.string());
const alert = z.object({
  status: z.enum(["firing", "resolved"], { error: "firing or resolved" }),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: z.string(),
  endsAt: z.string().default(""),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});
type Alert = z.infer<typeof alert>;

export const AlertmanagerWebhook = z
  .object({
    version: z.literal("4", { error: 'only webhook payload version "4" is understood' }),
    groupKey: z.string({ error: "the group key is needed" }).min(1, "the group key is needed").max(8000),
    truncatedAlerts: z.number().int().min(0).optional(),
    status: z.enum(["firing", "resolved"], { error: "firing or resolved" }),
    receiver: z.string().max(500),
    groupLabels: labelSet.default({}),
    commonLabels: labelSet.default({}),
    commonAnnotations: labelSet.default({}),
    externalURL: z.string().max(4000).default(""),
    alerts: z.array(alert).min(1, "at least one alert").max(1000, "at most 1000 alerts (set max_alerts in the webhook config)"),
  })
  .meta({ id: "AlertmanagerWebhook", description: "Alertmanager's webhook payload, version 4." });
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhook>;

export const AlertReceipt = z
  .object({
    action: z.enum(["opened", "updated", "unchanged", "resolved", "ignored", "in-progress"]).meta({
      description:
        "opened: a new incident; updated: the firing alerts changed; unchanged: a repeat; resolved; ignored: resolved alerts of a group with no open incident; in-progress: another delivery of the same group is opening its incident.",
    }),
    incidentId: z.number().int().nullable(),
  })
  .meta({ id: "AlertReceipt" });
type Receipt = z.infer<typeof AlertReceipt>;

/** A claim without an incident older than this was abandoned (the process died) and may be taken over. */
const ABANDONED_CLAIM_MS = 60_000;
const MAX_LISTED = 20;

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

async function routing(db: Db): Promise<AlertRouting> {
  const row = await db.setting.findUnique({ where: { key: ALERT_ROUTING_SETTING } });
  return storedAlertRouting(row?.value);
}

function impactOf(a: Alert, r: AlertRouting): Impact {
  const v = a.labels[r.severityLabel];
  return v !== undefined && Object.hasOwn(r.severities, v) ? r.severities[v] : r.defaultImpact;
}

/** slug -> worst impact, for the firing alerts whose component label names a monitor (mapped, or its own slug). */
async function affectedMonitors(db: Db, r: AlertRouting, firing: Alert[]): Promise<Record<string, Impact>> {
  const wanted = new Map<string, Impact>();
  for (const a of firing) {
    const value = a.labels[r.componentLabel];
    if (value === undefined) continue;
    const slug = Object.hasOwn(r.components, value) ? r.components[value] : value;
    wanted.set(slug, worstImpact([wanted.get(slug) ?? "none", impactOf(a, r)]) as Impact);
  }
  if (!wanted.size) return {};
  const known = await db.monitor.findMany({ where: { slug: { in: [...wanted.keys()] }, archivedAt: null }, select: { slug: true } });
  return Object.fromEntries(known.map((m) => [m.slug, wanted.get(m.slug)!]));
}

function titleOf(p: AlertmanagerWebhook, firing: Alert[]): string {
  const names = new Set(firing.map((a) => a.labels.alertname).filter(Boolean));
  const summary = p.commonAnnotations.summary ?? (firing.length === 1 ? firing[0].annotations.summary : undefined);
  const name = names.size === 1 ? [...names][0] : undefined;
  const title = summary ?? name ?? `${firing.length} alerts firing`;
  return title.trim().slice(0, 200) || "Alert firing";
}

/**
 * The update text. It is public (incident updates are), so it holds the alert names and their
 * summary annotations only: never label sets, generator URLs or the Alertmanager address, which
 * name internal hosts.
 */
function describe(heading: string, alerts: Alert[], truncated = 0): string {
  const lines = alerts.slice(0, MAX_LISTED).map((a) => {
    const name = a.labels.alertname ?? "alert";
    const text = a.annotations.summary ?? a.annotations.description;
    const since = Number.isNaN(Date.parse(a.startsAt)) ? "" : ` (since ${utcText(new Date(a.startsAt))})`;
    return `- **${name}**${text ? `: ${text}` : ""}${since}`.slice(0, 900);
  });
  const more = alerts.length - lines.length + truncated;
  if (more > 0) lines.push(`- and ${more} more`);
  return `${heading}\n\n${lines.join("\n")}`;
}

function digestOf(firing: Alert[], r: AlertRouting): string {
  return sha256(JSON.stringify(firing.map((a) => [a.fingerprint ?? JSON.stringify(a.labels), impactOf(a, r)]).sort()));
}

/** Runs a command of the admin registry as the calling token: the same rules and audit as /admin. */
async function run(ctx: ApiContext, name: string, input: Record<string, unknown>) {
  const command = adminCommand(name)!;
  return command.run(ctx, command.input.parse(input));
}

/**
 * Takes the group's right to open its incident: a new row, or an old row whose incident is
 * resolved (the alert came back: a new incident) or whose claim was abandoned. Compare-and-set
 * on claimedAt, so of two deliveries at once (an HA pair of Alertmanagers) only one opens it.
 */
async function claim(db: Db, keyHash: string, p: AlertmanagerWebhook, now: Date): Promise<boolean> {
  const row = await db.alertGroup.findUnique({ where: { keyHash }, include: { incident: { select: { resolvedAt: true } } } });
  if (!row) {
    try {
      await db.alertGroup.create({ data: { keyHash, groupKey: p.groupKey, receiver: p.receiver, claimedAt: now } });
      return true;
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return false;
      throw e;
    }
  }
  const free = row.incident ? row.incident.resolvedAt !== null : now.getTime() - row.claimedAt.getTime() > ABANDONED_CLAIM_MS;
  if (!free) return false;
  const taken = await db.alertGroup.updateMany({
    where: { keyHash, claimedAt: row.claimedAt },
    data: { incidentId: null, digest: "", claimedAt: now },
  });
  return taken.count === 1;
}

/**
 * One webhook delivery: a firing group opens its incident (or updates it when the firing alerts
 * changed), a resolved group resolves it. One incident per group key at a time.
 */
export async function receiveAlerts(ctx: ApiContext, p: AlertmanagerWebhook): Promise<Receipt> {
  const { db, now } = ctx;
  const keyHash = sha256(p.groupKey);
  const r = await routing(db);
  const firing = p.alerts.filter((a) => a.status === "firing");
  const group = await db.alertGroup.findUnique({
    where: { keyHash },
    include: {
      incident: {
        select: {
          id: true,
          status: true,
          impact: true,
          resolvedAt: true,
          monitors: { select: { impact: true, monitor: { select: { slug: true } } } },
        },
      },
    },
  });
  const open = group?.incident && !group.incident.resolvedAt ? group.incident : null;

  if (p.status === "resolved" || !firing.length) {
    if (!open) return { action: group?.incident ? "unchanged" : "ignored", incidentId: group?.incidentId ?? null };
    await run(ctx, "incident.update", {
      id: open.id,
      status: "resolved",
      body: describe("Resolved: Alertmanager reports these alerts as resolved.", p.alerts, p.truncatedAlerts),
    });
    return { action: "resolved", incidentId: open.id };
  }

  const monitors = await affectedMonitors(db, r, firing);
  const impact = worstImpact(firing.map((a) => impactOf(a, r))) as Impact;
  const digest = digestOf(firing, r);
  if (open) {
    if (group!.digest === digest) return { action: "unchanged", incidentId: open.id };
    await run(ctx, "incident.update", {
      id: open.id,
      status: open.status,
      body: describe("Alertmanager reports a change; firing now:", firing, p.truncatedAlerts),
    });
    const merged: Record<string, string> = Object.fromEntries(open.monitors.map((m) => [m.monitor.slug, m.impact]));
    for (const [slug, i] of Object.entries(monitors)) merged[slug] = worstImpact([merged[slug] ?? "none", i]);
    await run(ctx, "incident.impact", { id: open.id, impact: worstImpact([open.impact, impact]), monitors: merged });
    await db.alertGroup.update({ where: { keyHash }, data: { digest } });
    return { action: "updated", incidentId: open.id };
  }

  if (!(await claim(db, keyHash, p, now))) return { action: "in-progress", incidentId: null };
  let incidentId: number;
  try {
    const out = await run(ctx, "incident.create", {
      title: titleOf(p, firing),
      status: "investigating",
      impact,
      body: describe("Alertmanager reports:", firing, p.truncatedAlerts),
      monitors,
    });
    incidentId = out.createdId!;
  } catch (e) {
    // Give the claim back at once, so Alertmanager's retry can open the incident.
    await db.alertGroup.updateMany({ where: { keyHash, incidentId: null }, data: { claimedAt: new Date(0) } }).catch(() => {});
    throw e;
  }
  await db.alertGroup.update({ where: { keyHash }, data: { incidentId, digest } });
  return { action: "opened", incidentId };
}
