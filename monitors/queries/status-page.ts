import type { Db } from "../store/client";
import { uptimeForAll } from "./uptime";
import { PAGE_WINDOWS, type PageWindow } from "./page-windows";
import { dailyBars, type DailyBar } from "./daily-bars";
import { groupSloStatus, sloStatus, type SloStatus } from "./slo";
import { openIncidentImpacts, unresolvedIncidents, type PublicIncident } from "./incidents";
import { activeMaintenances, monitorsUnderMaintenance, upcomingMaintenances, type PublicMaintenance } from "./maintenance";
import { componentStatus, overallStatus, type ComponentStatus, type OverallStatus } from "./overall-status";

export interface StatusRow {
  slug: string;
  name: string;
  description: string | null;
  status: ComponentStatus;
  since: Date | null;
  lastCheckedAt: Date | null;
  lastLatencyMs: number | null;
  /** Uptime ratio per window the page offers (null: no data). */
  uptime: Record<PageWindow, number | null>;
  bars: DailyBar[];
  slo: SloStatus | null;
  disabledReason: string | null;
}

export { PAGE_WINDOWS, type PageWindow };

export interface StatusPage {
  overall: OverallStatus;
  incidents: PublicIncident[];
  activeMaintenance: PublicMaintenance[];
  upcomingMaintenance: PublicMaintenance[];
  groups: Array<{ name: string; monitors: StatusRow[]; slo: SloStatus | null }>;
  generatedAt: Date;
}

/** The config's group order (the agent writes it on every sync). */
export async function groupOrder(db: Db): Promise<string[]> {
  const row = await db.setting.findUnique({ where: { key: "groups" } });
  return Array.isArray(row?.value) ? (row.value as string[]) : [];
}

async function groupObjectives(db: Db): Promise<Record<string, number>> {
  const row = await db.setting.findUnique({ where: { key: "group-objectives" } });
  return row?.value && typeof row.value === "object" && !Array.isArray(row.value) ? (row.value as Record<string, number>) : {};
}

export interface PublicComponents {
  monitors: Array<{
    id: number;
    slug: string;
    name: string;
    group: string;
    description: string | null;
    disabledReason: string | null;
    intervalSec: number;
    sloPercent: number | null;
    status: ComponentStatus;
    since: Date | null;
    lastSlot: Date | null;
    lastLatencyMs: number | null;
    createdAt: Date;
    /** The later of the monitor's config change and its last state change. */
    updatedAt: Date;
  }>;
  groupOrder: string[];
  overall: OverallStatus;
}

/** Public, non-archived monitors with their component status, and the page's overall status. */
export async function loadPublicComponents(db: Db, now: number): Promise<PublicComponents> {
  const [monitors, groupOrderList, openIncidents, inMaintenance] = await Promise.all([
    db.monitor.findMany({
      where: { archivedAt: null, isPublic: true },
      orderBy: { sortOrder: "asc" },
      select: {
        id: true,
        slug: true,
        name: true,
        group: true,
        description: true,
        disabledReason: true,
        intervalSec: true,
        timeoutMs: true,
        sloPercent: true,
        createdAt: true,
        updatedAt: true,
        state: true,
      },
    }),
    groupOrder(db),
    openIncidentImpacts(db),
    monitorsUnderMaintenance(db, now),
  ]);
  const rows = monitors.map((m) => ({
    id: m.id,
    slug: m.slug,
    name: m.name,
    group: m.group,
    description: m.description,
    disabledReason: m.disabledReason,
    intervalSec: m.intervalSec,
    sloPercent: m.sloPercent,
    status: componentStatus(m, inMaintenance.has(m.id), now),
    since: m.state?.since ?? null,
    lastSlot: m.state?.lastSlot ?? null,
    lastLatencyMs: m.state?.lastLatencyMs ?? null,
    createdAt: m.createdAt,
    updatedAt: m.state && m.state.updatedAt > m.updatedAt ? m.state.updatedAt : m.updatedAt,
  }));
  return {
    monitors: rows,
    groupOrder: groupOrderList,
    overall: overallStatus(
      rows.map((r) => r.status),
      openIncidents,
    ),
  };
}

export async function getOverallStatus(db: Db, now = Date.now()): Promise<OverallStatus> {
  return (await loadPublicComponents(db, now)).overall;
}

/** Everything the home page shows, in a fixed number of queries. Hidden and archived monitors are left out. */
export async function getStatusPage(db: Db, now = Date.now()): Promise<StatusPage> {
  const components = await loadPublicComponents(db, now);
  const ids = components.monitors.map((m) => m.id);
  const objectives = await groupObjectives(db);
  const objectiveGroups = Object.entries(objectives).map(([name, sloPercent]) => ({
    name,
    sloPercent,
    monitors: components.monitors.filter((m) => m.group === name),
  }));
  const [uptime, bars, slo, groupSlo, incidents, activeMaintenance, upcomingMaintenance] = await Promise.all([
    uptimeForAll(db, { windows: [...PAGE_WINDOWS], monitorIds: ids, now }),
    dailyBars(db, components.monitors, now),
    sloStatus(db, components.monitors, now),
    groupSloStatus(db, objectiveGroups, now),
    unresolvedIncidents(db),
    activeMaintenances(db, now),
    upcomingMaintenances(db, now),
  ]);
  const groups = new Map<string, StatusRow[]>();
  for (const name of components.groupOrder) groups.set(name, []);
  for (const m of components.monitors) {
    const u = uptime.get(m.id);
    const row: StatusRow = {
      slug: m.slug,
      name: m.name,
      description: m.description,
      status: m.status,
      since: m.since,
      lastCheckedAt: m.lastSlot,
      lastLatencyMs: m.lastLatencyMs,
      uptime: Object.fromEntries(PAGE_WINDOWS.map((w) => [w, u?.[w].ratio ?? null])) as Record<PageWindow, number | null>,
      bars: bars.get(m.id) ?? [],
      slo: slo.get(m.id) ?? null,
      disabledReason: m.disabledReason,
    };
    if (!groups.has(m.group)) groups.set(m.group, []);
    groups.get(m.group)!.push(row);
  }
  return {
    overall: components.overall,
    incidents,
    activeMaintenance,
    upcomingMaintenance,
    groups: [...groups].filter(([, ms]) => ms.length).map(([name, ms]) => ({ name, monitors: ms, slo: groupSlo.get(name) ?? null })),
    generatedAt: new Date(now),
  };
}
