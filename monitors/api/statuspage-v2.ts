/**
 * Atlassian Statuspage's public v2 API (https://developer.statuspage.io, "Status API"),
 * field for field, so existing widgets and tools read this page unchanged.
 */
import type { Db } from "../store/client";
import type { ComponentStatus, OverallStatus } from "../queries/overall-status";
import { loadPublicComponents } from "../queries/status-page";
import { unresolvedIncidents, recentIncidents, type PublicIncident } from "../queries/incidents";
import { activeMaintenances, upcomingMaintenances, recentMaintenances, type PublicMaintenance } from "../queries/maintenance";

export const PAGE_ID = "openregistry";
const PAGE_NAME = "OpenRegistry";

export interface SpPage {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface SpComponent {
  id: string;
  name: string;
  status: Exclude<ComponentStatus, "unknown">;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
  components?: string[];
}

export interface SpIncidentUpdate {
  id: string;
  status: string;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: null;
  deliver_notifications: boolean;
  custom_tweet: null;
  tweet_id: null;
}

export interface SpIncident {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: string;
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: SpIncidentUpdate[];
  components: SpComponent[];
  postmortem_body?: string | null;
}

export interface SpScheduledMaintenance extends Omit<SpIncident, "postmortem_body"> {
  scheduled_for: string;
  scheduled_until: string;
}

export interface SpStatus {
  indicator: "none" | "minor" | "major" | "critical";
  description: string;
}

const INDICATOR: Record<OverallStatus, SpStatus> = {
  operational: { indicator: "none", description: "All Systems Operational" },
  unknown: { indicator: "none", description: "Waiting for the first checks" },
  maintenance: { indicator: "none", description: "Service Under Maintenance" },
  degraded: { indicator: "minor", description: "Minor Service Outage" },
  partial_outage: { indicator: "major", description: "Partial System Outage" },
  major_outage: { indicator: "critical", description: "Major System Outage" },
};

const SEVERITY: ComponentStatus[] = ["operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"];

const iso = (d: Date) => d.toISOString();
const groupId = (name: string) => `group-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;

export interface StatuspageContext {
  db: Db;
  baseUrl: string;
  now?: number;
}

/** Statuspage components from the status page's own component list: groups, then their monitors. */
async function loadComponents(ctx: StatuspageContext): Promise<{ components: SpComponent[]; overall: OverallStatus; updatedAt: Date; bySlug: Map<string, SpComponent> }> {
  const { monitors, groupOrder, overall } = await loadPublicComponents(ctx.db, ctx.now ?? Date.now());
  const groupNames = [...groupOrder, ...monitors.map((m) => m.group)].filter((g, i, a) => a.indexOf(g) === i && monitors.some((m) => m.group === g));
  let updatedAt = new Date(0);
  const components: SpComponent[] = [];
  const bySlug = new Map<string, SpComponent>();
  let position = 1;
  for (const g of groupNames) {
    const members = monitors.filter((m) => m.group === g);
    const group: SpComponent = {
      id: groupId(g), name: g, status: "operational", created_at: iso(members[0].createdAt), updated_at: iso(members[0].updatedAt), position: position++, description: null,
      showcase: false, start_date: null, group_id: null, page_id: PAGE_ID, group: true, only_show_if_degraded: false, components: members.map((m) => m.slug),
    };
    components.push(group);
    let worst = 0;
    for (const m of members) {
      const shown = m.status === "unknown" ? "operational" : m.status; // Statuspage has no "unknown"
      worst = Math.max(worst, SEVERITY.indexOf(shown));
      if (m.updatedAt > updatedAt) updatedAt = m.updatedAt;
      const c: SpComponent = {
        id: m.slug, name: m.name, status: shown, created_at: iso(m.createdAt), updated_at: iso(m.updatedAt), position: position++, description: m.description,
        showcase: true, start_date: iso(m.createdAt).slice(0, 10), group_id: group.id, page_id: PAGE_ID, group: false, only_show_if_degraded: false,
      };
      components.push(c);
      bySlug.set(m.slug, c);
    }
    group.status = SEVERITY[worst] as SpComponent["status"];
  }
  return { components, overall, updatedAt, bySlug };
}

function spIncident(i: PublicIncident, ctx: StatuspageContext, bySlug: Map<string, SpComponent>): SpIncident {
  const id = String(i.id);
  const monitoring = [...i.updates].reverse().find((u) => u.status === "monitoring");
  return {
    id, name: i.title, status: i.status, created_at: iso(i.createdAt), updated_at: iso(i.updatedAt), monitoring_at: monitoring ? iso(monitoring.createdAt) : null,
    resolved_at: i.resolvedAt ? iso(i.resolvedAt) : null, impact: i.impact, shortlink: `${ctx.baseUrl}/incidents/${id}`, started_at: iso(i.startedAt), page_id: PAGE_ID,
    incident_updates: i.updates.map((u) => ({
      id: String(u.id), status: u.status, body: u.body, incident_id: id, created_at: iso(u.createdAt), updated_at: iso(u.createdAt), display_at: iso(u.createdAt),
      affected_components: null, deliver_notifications: true, custom_tweet: null, tweet_id: null,
    })),
    components: i.monitors.map((m) => bySlug.get(m.slug)).filter((c): c is SpComponent => !!c),
    postmortem_body: i.postmortem,
  };
}

function spMaintenance(m: PublicMaintenance, ctx: StatuspageContext, bySlug: Map<string, SpComponent>): SpScheduledMaintenance {
  const id = `m${m.id}`;
  return {
    id, name: m.title, status: m.status, created_at: iso(m.createdAt), updated_at: iso(m.updatedAt), monitoring_at: null,
    resolved_at: m.status === "completed" ? iso(m.endsAt) : null, impact: "maintenance", shortlink: `${ctx.baseUrl}/history#maintenance-${m.id}`,
    started_at: iso(m.startsAt), page_id: PAGE_ID,
    incident_updates: m.body
      ? [{ id: `${id}-0`, status: m.status, body: m.body, incident_id: id, created_at: iso(m.createdAt), updated_at: iso(m.updatedAt), display_at: iso(m.createdAt), affected_components: null, deliver_notifications: true, custom_tweet: null, tweet_id: null }]
      : [],
    components: m.monitors.map((x) => bySlug.get(x.slug)).filter((c): c is SpComponent => !!c),
    scheduled_for: iso(m.startsAt),
    scheduled_until: iso(m.endsAt),
  };
}

function page(ctx: StatuspageContext, updatedAt: Date): SpPage {
  return { id: PAGE_ID, name: PAGE_NAME, url: ctx.baseUrl, time_zone: "Etc/UTC", updated_at: iso(updatedAt) };
}

export type StatuspageEndpoint =
  | "summary"
  | "status"
  | "components"
  | "incidents"
  | "incidents/unresolved"
  | "scheduled-maintenances"
  | "scheduled-maintenances/upcoming"
  | "scheduled-maintenances/active";

export const STATUSPAGE_ENDPOINTS: readonly StatuspageEndpoint[] = ["summary", "status", "components", "incidents", "incidents/unresolved", "scheduled-maintenances", "scheduled-maintenances/upcoming", "scheduled-maintenances/active"];

/** The JSON body of one v2 endpoint. */
export async function statuspageV2(endpoint: StatuspageEndpoint, ctx: StatuspageContext): Promise<Record<string, unknown>> {
  const now = ctx.now ?? Date.now();
  const { components, overall, updatedAt, bySlug } = await loadComponents(ctx);
  const p = page(ctx, updatedAt);
  const status = INDICATOR[overall];
  const incidents = (list: PublicIncident[]) => list.map((i) => spIncident(i, ctx, bySlug));
  const maintenances = (list: PublicMaintenance[]) => list.map((m) => spMaintenance(m, ctx, bySlug));
  switch (endpoint) {
    case "summary": {
      const [open, active, upcoming] = await Promise.all([unresolvedIncidents(ctx.db), activeMaintenances(ctx.db, now), upcomingMaintenances(ctx.db, now)]);
      return { page: p, components, incidents: incidents(open), scheduled_maintenances: maintenances([...active, ...upcoming]), status };
    }
    case "status":
      return { page: p, status };
    case "components":
      return { page: p, components };
    case "incidents":
      return { page: p, incidents: incidents(await recentIncidents(ctx.db, 50)) };
    case "incidents/unresolved":
      return { page: p, incidents: incidents(await unresolvedIncidents(ctx.db)) };
    case "scheduled-maintenances":
      return { page: p, scheduled_maintenances: maintenances(await recentMaintenances(ctx.db, now, 50)) };
    case "scheduled-maintenances/upcoming":
      return { page: p, scheduled_maintenances: maintenances(await upcomingMaintenances(ctx.db, now)) };
    case "scheduled-maintenances/active":
      return { page: p, scheduled_maintenances: maintenances(await activeMaintenances(ctx.db, now)) };
  }
}
