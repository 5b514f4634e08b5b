import { z } from "zod";
import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import type { ApiScope } from "../auth/api-scopes";
import type { Actor } from "../admin/admin-command";
import { adminCommand } from "../admin/command-registry";
import { AlertReceipt, AlertmanagerWebhook, receiveAlerts } from "./alertmanager";
import {
  AuditEntryView,
  IncidentView,
  MaintenanceView,
  MonitorView,
  SubscriberView,
  auditList,
  incidentById,
  incidentList,
  maintenanceById,
  maintenanceList,
  monitorViews,
  subscriberList,
} from "./views";

/**
 * The routes of /api/admin/v1, one table for the handler (handle-request.ts) and the OpenAPI
 * document (openapi.ts). A write names a command of the admin registry and runs exactly what the
 * /admin form runs, with the command's own zod input (less the path parameters) as its body.
 */
export interface ApiContext {
  db: Db;
  env: Env;
  now: Date;
  actor: Actor;
}

export class ApiNotFound extends Error {}

export interface ApiInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

export interface ApiRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** OpenAPI form, below /api/admin/v1: "/incidents/{id}". */
  path: string;
  scope: ApiScope;
  summary: string;
  description?: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodObject;
  /** The admin command a write runs (its name in the registry). */
  command?: string;
  /** A write that runs commands itself (the Alertmanager receiver): caches are dropped after it too. */
  writes?: boolean;
  status: 200 | 201;
  response: z.ZodType;
  /** Read routes answer from here; command routes from `command` and then here (the changed resource). */
  answer(ctx: ApiContext, input: ApiInput, createdId?: number): Promise<unknown>;
}

const incidentId = z.object({
  id: z.coerce.number({ error: "an incident id" }).int().positive("an incident id").meta({ description: "Incident id." }),
});
const maintenanceId = z.object({
  id: z.coerce
    .number({ error: "a maintenance id" })
    .int()
    .positive("a maintenance id")
    .meta({ description: "Maintenance id (a window, an occurrence or a series)." }),
});
const monitorSlug = z.object({
  slug: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, "not a monitor slug")
    .meta({ description: "Monitor slug." }),
});

/** A command's input as a request body: its fields, less those the path carries, unknown fields refused. */
function commandBody(name: string, pathFields: string[] = []): z.ZodObject {
  const input = adminCommand(name)?.input;
  if (!(input instanceof z.ZodObject)) throw new Error(`management API: command ${name} has no object input`);
  const shape = { ...input.shape };
  for (const f of pathFields) delete shape[f];
  return z.strictObject(shape);
}

async function found<T>(v: Promise<T | null>): Promise<T> {
  const r = await v;
  if (r === null) throw new ApiNotFound();
  return r;
}

const oneIncident = (ctx: ApiContext, input: ApiInput, createdId?: number) =>
  found(incidentById(ctx.db, createdId ?? (input.params.id as number)));
const oneMaintenance = (ctx: ApiContext, input: ApiInput, createdId?: number) =>
  found(maintenanceById(ctx.db, createdId ?? (input.params.id as number)));
const oneMonitor = async (ctx: ApiContext, input: ApiInput) => {
  const [m] = await monitorViews(ctx.db, ctx.now, input.params.slug as string);
  if (!m) throw new ApiNotFound();
  return m;
};

export const API_ROUTES: ApiRoute[] = [
  {
    method: "GET",
    path: "/monitors",
    scope: "monitors:read",
    tag: "monitors",
    summary: "List monitors and their current state",
    description: "Every monitor that is in the config (hidden ones included), in page order.",
    status: 200,
    response: z.object({ monitors: z.array(MonitorView) }),
    answer: async (ctx) => ({ monitors: await monitorViews(ctx.db, ctx.now) }),
  },
  {
    method: "GET",
    path: "/monitors/{slug}",
    scope: "monitors:read",
    tag: "monitors",
    summary: "One monitor and its current state",
    params: monitorSlug,
    status: 200,
    response: MonitorView,
    answer: oneMonitor,
  },
  {
    method: "POST",
    path: "/monitors/{slug}/silence",
    scope: "incidents:write",
    tag: "monitors",
    summary: "Silence a monitor's alerts for a while",
    description:
      "Notifications to the maintainers' channels about this monitor are held for `minutes`. It is still probed; its state, incidents, public page and subscribers' mails are unchanged.",
    params: monitorSlug,
    body: commandBody("monitor.silence", ["slug"]),
    command: "monitor.silence",
    status: 200,
    response: MonitorView,
    answer: oneMonitor,
  },
  {
    method: "DELETE",
    path: "/monitors/{slug}/silence",
    scope: "incidents:write",
    tag: "monitors",
    summary: "End a monitor's silence now",
    params: monitorSlug,
    command: "monitor.unsilence",
    status: 200,
    response: MonitorView,
    answer: oneMonitor,
  },
  {
    method: "GET",
    path: "/incidents",
    scope: "incidents:write",
    tag: "incidents",
    summary: "List incidents, newest first",
    query: z.strictObject({
      state: z.enum(["open", "resolved", "all"], { error: "one of open, resolved, all" }).default("open"),
      limit: z.coerce.number({ error: "a number" }).int("a whole number").min(1, "at least 1").max(200, "at most 200").default(50),
    }),
    status: 200,
    response: z.object({ incidents: z.array(IncidentView) }),
    answer: async (ctx, input) => ({
      incidents: await incidentList(ctx.db, input.query as { state: "open" | "resolved" | "all"; limit: number }),
    }),
  },
  {
    method: "POST",
    path: "/incidents",
    scope: "incidents:write",
    tag: "incidents",
    summary: "Open an incident",
    description:
      "`monitors` maps monitor slugs to their impact. Subscribers and channels are notified as for an incident opened in /admin.",
    body: commandBody("incident.create"),
    command: "incident.create",
    status: 201,
    response: IncidentView,
    answer: oneIncident,
  },
  {
    method: "GET",
    path: "/incidents/{id}",
    scope: "incidents:write",
    tag: "incidents",
    summary: "One incident with its updates",
    params: incidentId,
    status: 200,
    response: IncidentView,
    answer: oneIncident,
  },
  {
    method: "POST",
    path: "/incidents/{id}/updates",
    scope: "incidents:write",
    tag: "incidents",
    summary: "Post an update (status `resolved` resolves the incident)",
    params: incidentId,
    body: commandBody("incident.update", ["id"]),
    command: "incident.update",
    status: 200,
    response: IncidentView,
    answer: oneIncident,
  },
  {
    method: "POST",
    path: "/incidents/{id}/acknowledge",
    scope: "incidents:write",
    tag: "incidents",
    summary: "Acknowledge an incident (stops the on-call reminders)",
    params: incidentId,
    command: "incident.acknowledge",
    status: 200,
    response: IncidentView,
    answer: oneIncident,
  },
  {
    method: "PUT",
    path: "/incidents/{id}/impact",
    scope: "incidents:write",
    tag: "incidents",
    summary: "Set the overall impact and the affected monitors",
    params: incidentId,
    body: commandBody("incident.impact", ["id"]),
    command: "incident.impact",
    status: 200,
    response: IncidentView,
    answer: oneIncident,
  },
  {
    method: "PUT",
    path: "/incidents/{id}/postmortem",
    scope: "incidents:write",
    tag: "incidents",
    summary: "Write the postmortem of a resolved incident (Markdown)",
    params: incidentId,
    body: commandBody("incident.postmortem", ["id"]),
    command: "incident.postmortem",
    status: 200,
    response: IncidentView,
    answer: oneIncident,
  },
  {
    method: "GET",
    path: "/maintenance",
    scope: "maintenance:write",
    tag: "maintenance",
    summary: "List series and the windows that ended less than 7 days ago or are to come",
    status: 200,
    response: z.object({ maintenance: z.array(MaintenanceView) }),
    answer: async (ctx) => ({ maintenance: await maintenanceList(ctx.db, ctx.now) }),
  },
  {
    method: "POST",
    path: "/maintenance",
    scope: "maintenance:write",
    tag: "maintenance",
    summary: "Schedule a one-off window or a recurring series",
    description:
      "One-off (`repeat: once`): `startsAt` and `endsAt` (ISO 8601), at most 7 days long. Recurring (`repeat: recurring`): a five-field cron `recurrence` read in `timeZone`, `durationMinutes`, and optionally the series' `startsAt`/`endsAt`.",
    body: commandBody("maintenance.create"),
    command: "maintenance.create",
    status: 201,
    response: MaintenanceView,
    answer: oneMaintenance,
  },
  {
    method: "GET",
    path: "/maintenance/{id}",
    scope: "maintenance:write",
    tag: "maintenance",
    summary: "One window or series",
    params: maintenanceId,
    status: 200,
    response: MaintenanceView,
    answer: oneMaintenance,
  },
  {
    method: "POST",
    path: "/maintenance/{id}/end",
    scope: "maintenance:write",
    tag: "maintenance",
    summary: "End a running window now, cancel one to come, or stop a series",
    params: maintenanceId,
    command: "maintenance.end",
    status: 200,
    response: MaintenanceView,
    answer: oneMaintenance,
  },
  {
    method: "POST",
    path: "/maintenance/{id}/extend",
    scope: "maintenance:write",
    tag: "maintenance",
    summary: "Extend a window by some minutes",
    params: maintenanceId,
    body: commandBody("maintenance.extend", ["id"]),
    command: "maintenance.extend",
    status: 200,
    response: MaintenanceView,
    answer: oneMaintenance,
  },
  {
    method: "POST",
    path: "/alertmanager",
    scope: "incidents:write",
    tag: "alertmanager",
    summary: "Receive Prometheus Alertmanager's webhook (payload version 4)",
    description:
      "Point an Alertmanager `webhook_config` here with `send_resolved: true` and the token in `http_config.authorization`. A firing group opens an incident (one per `groupKey`) or updates it when its firing alerts change; a resolved group resolves it. The `component` label (config: `alertmanager.component_label`) names the monitor, through `alertmanager.components` or as its slug; `severity` sets the impact.",
    body: AlertmanagerWebhook,
    writes: true,
    status: 200,
    response: AlertReceipt,
    answer: (ctx, input) => receiveAlerts(ctx, input.body as AlertmanagerWebhook),
  },
  {
    method: "GET",
    path: "/subscribers",
    scope: "subscribers:read",
    tag: "subscribers",
    summary: "List email subscribers (personal data)",
    status: 200,
    response: z.object({ subscribers: z.array(SubscriberView) }),
    answer: async (ctx) => ({ subscribers: await subscriberList(ctx.db) }),
  },
  {
    method: "GET",
    path: "/audit",
    scope: "audit:read",
    tag: "audit",
    summary: "The audit log, newest first",
    description: "Page back with `before` = the smallest id of the previous page.",
    query: z.strictObject({
      limit: z.coerce.number({ error: "a number" }).int("a whole number").min(1, "at least 1").max(500, "at most 500").default(100),
      before: z.coerce.number({ error: "an entry id" }).int("an entry id").positive("an entry id").optional(),
    }),
    status: 200,
    response: z.object({ entries: z.array(AuditEntryView) }),
    answer: async (ctx, input) => ({ entries: await auditList(ctx.db, input.query as { limit: number; before?: number }) }),
  },
];

/** The route for a method and a path below /api/admin/v1, with its path parameters (raw strings). */
export function matchRoute(
  method: string,
  path: string,
  routes: ApiRoute[] = API_ROUTES,
): { route: ApiRoute; params: Record<string, string> } | { allowed: string[] } | null {
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : null;
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const got = path.split("/").filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const m = /^\{(\w+)\}$/.exec(want[i]);
    if (m) params[m[1]] = got[i];
    else if (want[i] !== got[i]) return null;
  }
  return params;
}
