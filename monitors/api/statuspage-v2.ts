/**
 * Atlassian Statuspage's public v2 API (https://developer.statuspage.io, "Status API"),
 * field for field, so existing widgets and tools read this page unchanged.
 */
import type { Db } from "../store/client";
import type { ComponentStatus, OverallStatus } from "../queries/overall-status";
import { loadPublicComponents } from "../queries/status-page";
import {
  incidentUpdateFacts,
  unresolvedIncidents,
  recentIncidents,
  type AffectedComponent,
  type PublicIncident,
  type UpdateFacts,
} from "../queries/incidents";
import { activeMaintenances, upcomingMaintenances, recentMaintenances, type PublicMaintenance } from "../queries/maintenance";
import { HOUR_MS } from "../core/duration";

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
  status: Exclude<ComponentStatus, "unknown" | "stale">;
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
  affected_components: AffectedComponent[] | null;
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
  indicator: "none" | "minor" | "major" | "critical" | "maintenance";
  description: string;
}

/**
 * The page's status in Atlassian's words (README, "Statuspage v2 to the letter"). Degraded is
 * "Partially Degraded Service" while some shown components are degraded and "Degraded System
 * Service" when all are. Stale (results exist, none recent) is minor: the status service itself is
 * not working, and "none" would let a widget show green for a state nobody observed.
 */
function pageStatus(overall: OverallStatus, components: SpComponent[]): SpStatus {
  switch (overall) {
    case "operational":
      return { indicator: "none", description: "All Systems Operational" };
    case "unknown":
      return { indicator: "none", description: "Waiting For The First Checks" };
    case "stale":
      return { indicator: "minor", description: "Status Unknown: Checks Delayed" };
    case "maintenance":
      return { indicator: "maintenance", description: "Service Under Maintenance" };
    case "degraded": {
      const shown = components.filter((c) => !c.group);
      const all = shown.length > 0 && shown.every((c) => c.status === "degraded_performance");
      return { indicator: "minor", description: all ? "Degraded System Service" : "Partially Degraded Service" };
    }
    case "partial_outage":
      return { indicator: "major", description: "Partial System Outage" };
    case "major_outage":
      return { indicator: "critical", description: "Major System Outage" };
  }
}

const SEVERITY: ComponentStatus[] = ["operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"];

const iso = (d: Date) => d.toISOString();
const groupId = (name: string) =>
  `group-${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")}`;

export interface StatuspageContext {
  db: Db;
  baseUrl: string;
  now?: number;
}

/**
 * Statuspage components from the status page's own component list: groups, then their monitors.
 * A monitor with no recent confirmed result (never checked, waiting for credentials, or stale) is
 * left out: Statuspage has no "unknown", and any status given would be a claim nobody observed.
 */
async function loadComponents(
  ctx: StatuspageContext,
): Promise<{ components: SpComponent[]; overall: OverallStatus; updatedAt: Date; bySlug: Map<string, SpComponent> }> {
  const { monitors, groupOrder, overall } = await loadPublicComponents(ctx.db, ctx.now ?? Date.now());
  const groupNames = [...groupOrder, ...monitors.map((m) => m.group)].filter(
    (g, i, a) => a.indexOf(g) === i && monitors.some((m) => m.group === g),
  );
  let updatedAt = new Date(0);
  const components: SpComponent[] = [];
  const bySlug = new Map<string, SpComponent>();
  let position = 1;
  for (const g of groupNames) {
    const members = monitors.filter((m) => m.group === g && m.status !== "unknown" && m.status !== "stale");
    if (!members.length) continue;
    const group: SpComponent = {
      id: groupId(g),
      name: g,
      status: "operational",
      created_at: iso(members[0].createdAt),
      updated_at: iso(members[0].updatedAt),
      position: position++,
      description: null,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: PAGE_ID,
      group: true,
      only_show_if_degraded: false,
      components: members.map((m) => m.slug),
    };
    components.push(group);
    let worst = 0;
    for (const m of members) {
      const shown = m.status as SpComponent["status"];
      worst = Math.max(worst, SEVERITY.indexOf(shown));
      if (m.updatedAt > updatedAt) updatedAt = m.updatedAt;
      const c: SpComponent = {
        id: m.slug,
        name: m.name,
        status: shown,
        created_at: iso(m.createdAt),
        updated_at: iso(m.updatedAt),
        position: position++,
        description: m.description,
        showcase: true,
        start_date: iso(m.createdAt).slice(0, 10),
        group_id: group.id,
        page_id: PAGE_ID,
        group: false,
        only_show_if_degraded: false,
      };
      components.push(c);
      bySlug.set(m.slug, c);
    }
    group.status = SEVERITY[worst] as SpComponent["status"];
  }
  // No component shown yet (nothing observed): the page was last updated now, not in 1970.
  if (!components.length) updatedAt = new Date(ctx.now ?? Date.now());
  return { components, overall, updatedAt, bySlug };
}

function spIncident(i: PublicIncident, ctx: StatuspageContext, bySlug: Map<string, SpComponent>, facts: UpdateFacts): SpIncident {
  const id = String(i.id);
  const monitoring = [...i.updates].reverse().find((u) => u.status === "monitoring");
  return {
    // Statuspage moves a resolved incident to "postmortem" once its postmortem is published.
    id,
    name: i.title,
    status: i.status === "resolved" && i.postmortem ? "postmortem" : i.status,
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    monitoring_at: monitoring ? iso(monitoring.createdAt) : null,
    resolved_at: i.resolvedAt ? iso(i.resolvedAt) : null,
    impact: i.impact,
    shortlink: `${ctx.baseUrl}/incidents/${id}`,
    started_at: iso(i.startedAt),
    page_id: PAGE_ID,
    incident_updates: i.updates.map((u) => ({
      id: String(u.id),
      status: u.status,
      body: u.body,
      incident_id: id,
      created_at: iso(u.createdAt),
      updated_at: iso(u.createdAt),
      display_at: iso(u.createdAt),
      affected_components: facts.affected.get(u.id) ?? [],
      deliver_notifications: facts.delivered.has(u.id),
      custom_tweet: null,
      tweet_id: null,
    })),
    components: i.monitors.map((m) => bySlug.get(m.slug)).filter((c): c is SpComponent => !!c),
    postmortem_body: i.postmortem,
  };
}

/** How long after its window a maintenance stays "verifying" while an affected monitor is not yet up. */
const VERIFY_FOR_MS = HOUR_MS;

/**
 * A maintenance in Statuspage's terms: scheduled, in_progress, verifying (the window is over and an
 * affected component is not yet operational; at most an hour), completed. One update per
 * transition, each at its own time, newest first; a cancelled window keeps its planned times and
 * the moment it was cancelled.
 */
function spMaintenance(
  m: PublicMaintenance,
  ctx: StatuspageContext,
  bySlug: Map<string, SpComponent>,
  now: number,
): SpScheduledMaintenance {
  const id = `m${m.id}`;
  const components = m.monitors.map((x) => bySlug.get(x.slug)).filter((c): c is SpComponent => !!c);
  const cancelledEarly = m.cancelledAt !== null && m.cancelledAt.getTime() <= m.startsAt.getTime();
  const ended = m.status === "completed";
  const verifying =
    ended &&
    !m.cancelledAt &&
    now - m.endsAt.getTime() < VERIFY_FOR_MS &&
    components.some((c) => c.status !== "operational" && c.status !== "under_maintenance");
  const status = verifying ? "verifying" : m.status;
  const update = (n: number, st: string, body: string, at: Date): SpIncidentUpdate => ({
    id: `${id}-${n}`,
    status: st,
    body,
    incident_id: id,
    created_at: iso(at),
    updated_at: iso(at),
    display_at: iso(at),
    affected_components: null,
    deliver_notifications: false,
    custom_tweet: null,
    tweet_id: null,
  });
  const updates = [update(0, "scheduled", m.body, m.createdAt)];
  if (!cancelledEarly && now >= m.startsAt.getTime()) updates.push(update(1, "in_progress", "The maintenance has begun.", m.startsAt));
  if (ended && !m.cancelledAt) updates.push(update(2, "verifying", "The window is over; checking that everything is back.", m.endsAt));
  if (ended && !verifying)
    updates.push(
      update(
        3,
        "completed",
        m.cancelledAt ? "The maintenance was cancelled." : "The maintenance has completed.",
        m.cancelledAt ?? m.endsAt,
      ),
    );
  const lastUpdate = updates[updates.length - 1].created_at;
  return {
    id,
    name: m.title,
    status,
    created_at: iso(m.createdAt),
    // biome-ignore lint/complexity/useMathMinMax: ISO 8601 strings, which compare as text in time order
    updated_at: lastUpdate > iso(m.updatedAt) ? lastUpdate : iso(m.updatedAt),
    monitoring_at: ended && !m.cancelledAt ? iso(m.endsAt) : null,
    resolved_at: ended && !verifying ? iso(m.cancelledAt ?? m.endsAt) : null,
    impact: "maintenance",
    shortlink: `${ctx.baseUrl}/history#maintenance-${m.id}`,
    started_at: iso(m.startsAt),
    page_id: PAGE_ID,
    incident_updates: updates.reverse(),
    components,
    scheduled_for: iso(m.startsAt),
    scheduled_until: iso(cancelledEarly ? m.plannedEndsAt : m.endsAt),
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

export const STATUSPAGE_ENDPOINTS: readonly StatuspageEndpoint[] = [
  "summary",
  "status",
  "components",
  "incidents",
  "incidents/unresolved",
  "scheduled-maintenances",
  "scheduled-maintenances/upcoming",
  "scheduled-maintenances/active",
];

/** The JSON body of one v2 endpoint. */
export async function statuspageV2(endpoint: StatuspageEndpoint, ctx: StatuspageContext): Promise<Record<string, unknown>> {
  const now = ctx.now ?? Date.now();
  const { components, overall, updatedAt, bySlug } = await loadComponents(ctx);
  const p = page(ctx, updatedAt);
  const status = pageStatus(overall, components);
  const incidents = async (list: PublicIncident[]) => {
    const facts = await incidentUpdateFacts(ctx.db, list);
    return list.map((i) => spIncident(i, ctx, bySlug, facts));
  };
  const maintenances = (list: PublicMaintenance[]) => list.map((m) => spMaintenance(m, ctx, bySlug, now));
  switch (endpoint) {
    case "summary": {
      const [open, active, upcoming] = await Promise.all([
        unresolvedIncidents(ctx.db),
        activeMaintenances(ctx.db, now),
        upcomingMaintenances(ctx.db, now),
      ]);
      return {
        page: p,
        components,
        incidents: await incidents(open),
        scheduled_maintenances: maintenances([...active, ...upcoming]),
        status,
      };
    }
    case "status":
      return { page: p, status };
    case "components":
      return { page: p, components };
    case "incidents":
      return { page: p, incidents: await incidents(await recentIncidents(ctx.db, 50)) };
    case "incidents/unresolved":
      return { page: p, incidents: await incidents(await unresolvedIncidents(ctx.db)) };
    case "scheduled-maintenances":
      return { page: p, scheduled_maintenances: maintenances(await recentMaintenances(ctx.db, now, 50)) };
    case "scheduled-maintenances/upcoming":
      return { page: p, scheduled_maintenances: maintenances(await upcomingMaintenances(ctx.db, now)) };
    case "scheduled-maintenances/active":
      return { page: p, scheduled_maintenances: maintenances(await activeMaintenances(ctx.db, now)) };
  }
}
