/**
 * The Statuspage v2 public API, written from Atlassian's documentation
 * (developer.statuspage.io, "Status API": summary, status, components, incidents,
 * scheduled maintenances). Strict objects: a missing or extra field fails.
 */
import { z } from "zod";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, "ISO 8601 UTC timestamp");

export const page = z
  .object({ id: z.string(), name: z.string(), url: z.string().url(), time_zone: z.string(), updated_at: isoDate })
  .strict();

export const componentStatus = z.enum(["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"]);

export const component = z
  .object({
    id: z.string(),
    name: z.string(),
    status: componentStatus,
    created_at: isoDate,
    updated_at: isoDate,
    position: z.number().int(),
    description: z.string().nullable(),
    showcase: z.boolean(),
    start_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable(),
    group_id: z.string().nullable(),
    page_id: z.string(),
    group: z.boolean(),
    only_show_if_degraded: z.boolean(),
    components: z.array(z.string()).optional(),
  })
  .strict();

export const incidentUpdate = z
  .object({
    id: z.string(),
    status: z.string(),
    body: z.string(),
    incident_id: z.string(),
    created_at: isoDate,
    updated_at: isoDate,
    display_at: isoDate,
    // Atlassian sends null or a list of {code, name, old_status, new_status}.
    affected_components: z
      .array(z.object({ code: z.string(), name: z.string(), old_status: componentStatus, new_status: componentStatus }).strict())
      .nullable(),
    deliver_notifications: z.boolean(),
    custom_tweet: z.null(),
    tweet_id: z.null(),
  })
  .strict();

const incidentBase = {
  id: z.string(),
  name: z.string(),
  created_at: isoDate,
  updated_at: isoDate,
  monitoring_at: isoDate.nullable(),
  resolved_at: isoDate.nullable(),
  shortlink: z.string().url(),
  started_at: isoDate,
  page_id: z.string(),
  incident_updates: z.array(incidentUpdate),
  components: z.array(component),
};

export const incident = z
  .object({
    ...incidentBase,
    status: z.enum(["investigating", "identified", "monitoring", "resolved", "postmortem"]),
    impact: z.enum(["none", "minor", "major", "critical"]),
    postmortem_body: z.string().nullable().optional(),
  })
  .strict();

export const scheduledMaintenance = z
  .object({
    ...incidentBase,
    status: z.enum(["scheduled", "in_progress", "verifying", "completed"]),
    impact: z.enum(["none", "minor", "major", "critical", "maintenance"]),
    scheduled_for: isoDate,
    scheduled_until: isoDate,
  })
  .strict();

// "maintenance" is what Atlassian's pages send while a maintenance is in progress.
export const status = z
  .object({ indicator: z.enum(["none", "minor", "major", "critical", "maintenance"]), description: z.string() })
  .strict();

export const schemas = {
  summary: z
    .object({
      page,
      components: z.array(component),
      incidents: z.array(incident),
      scheduled_maintenances: z.array(scheduledMaintenance),
      status,
    })
    .strict(),
  status: z.object({ page, status }).strict(),
  components: z.object({ page, components: z.array(component) }).strict(),
  incidents: z.object({ page, incidents: z.array(incident) }).strict(),
  "incidents/unresolved": z.object({ page, incidents: z.array(incident) }).strict(),
  "scheduled-maintenances": z.object({ page, scheduled_maintenances: z.array(scheduledMaintenance) }).strict(),
  "scheduled-maintenances/upcoming": z.object({ page, scheduled_maintenances: z.array(scheduledMaintenance) }).strict(),
  "scheduled-maintenances/active": z.object({ page, scheduled_maintenances: z.array(scheduledMaintenance) }).strict(),
};
