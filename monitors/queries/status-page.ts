import type { Db } from "../store/client";
import { uptimeForAll, type WindowUptime } from "./uptime";
import { componentStatus, overallStatus, type ComponentStatus, type OverallStatus } from "./overall-status";

export interface StatusRow {
  slug: string;
  name: string;
  description: string | null;
  status: ComponentStatus;
  since: Date | null;
  lastCheckedAt: Date | null;
  lastLatencyMs: number | null;
  uptime24h: WindowUptime | null;
  uptime30d: WindowUptime | null;
  disabledReason: string | null;
}

export interface StatusPage {
  overall: OverallStatus;
  groups: Array<{ name: string; monitors: StatusRow[] }>;
  generatedAt: Date;
}

async function groupOrder(db: Db): Promise<string[]> {
  const row = await db.setting.findUnique({ where: { key: "groups" } });
  return Array.isArray(row?.value) ? (row.value as string[]) : [];
}

/** Everything the home page shows, in a fixed number of queries. Hidden and archived monitors are left out. */
export async function getStatusPage(db: Db, now = Date.now()): Promise<StatusPage> {
  const [monitors, order, openIncidents, maintenances] = await Promise.all([
    db.monitor.findMany({
      where: { archivedAt: null, isPublic: true },
      orderBy: { sortOrder: "asc" },
      select: { id: true, slug: true, name: true, group: true, description: true, disabledReason: true, state: true },
    }),
    groupOrder(db),
    db.incident.findMany({ where: { resolvedAt: null }, select: { impact: true } }),
    db.maintenanceMonitor.findMany({
      where: { maintenance: { cancelledAt: null, startsAt: { lte: new Date(now) }, endsAt: { gt: new Date(now) } } },
      select: { monitorId: true },
    }),
  ]);
  const uptime = await uptimeForAll(db, { windows: ["24h", "30d"], monitorIds: monitors.map((m) => m.id), now });
  const inMaintenance = new Set(maintenances.map((m) => m.monitorId));

  const groups = new Map<string, StatusRow[]>();
  for (const name of order) groups.set(name, []);
  for (const m of monitors) {
    const u = uptime.get(m.id);
    const row: StatusRow = {
      slug: m.slug,
      name: m.name,
      description: m.description,
      status: m.disabledReason ? "unknown" : componentStatus(m.state?.status, inMaintenance.has(m.id)),
      since: m.state?.since ?? null,
      lastCheckedAt: m.state?.lastSlot ?? null,
      lastLatencyMs: m.state?.lastLatencyMs ?? null,
      uptime24h: u?.["24h"] ?? null,
      uptime30d: u?.["30d"] ?? null,
      disabledReason: m.disabledReason,
    };
    if (!groups.has(m.group)) groups.set(m.group, []);
    groups.get(m.group)!.push(row);
  }
  const rows = [...groups.values()].flat();
  return {
    overall: overallStatus(rows.map((r) => r.status), openIncidents.map((i) => i.impact)),
    groups: [...groups].filter(([, ms]) => ms.length).map(([name, ms]) => ({ name, monitors: ms })),
    generatedAt: new Date(now),
  };
}
