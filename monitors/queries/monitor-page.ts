import type { Db } from "../store/client";
import { findPublicMonitor } from "./public-monitor";
import { uptimeForAll, ALL_WINDOWS, type UptimeWindow, type WindowUptime } from "./uptime";
import { componentStatus, type ComponentStatus } from "./overall-status";
import { dailyBars, type DailyBar } from "./daily-bars";
import { latencySeries, phaseSeries, type ChartRange, type LatencyPoint, type PhasePoint } from "./response-series";
import { burnRates, sloStatus, type BurnRate, type SloStatus } from "./slo";
import { incidentsForMonitor, type PublicIncident } from "./incidents";
import { monitorsUnderMaintenance } from "./maintenance";
import { regionView, type RegionView } from "./region-view";

export interface MonitorPage {
  slug: string;
  name: string;
  group: string;
  description: string | null;
  status: ComponentStatus;
  since: Date | null;
  lastLatencyMs: number | null;
  disabledReason: string | null;
  uptime: Record<UptimeWindow, WindowUptime | null>;
  stateChanges: Array<{ from: string; to: string; at: Date }>;
  bars: DailyBar[];
  latency: Record<ChartRange, LatencyPoint[]>;
  phases: PhasePoint[];
  slo: SloStatus | null;
  burn: BurnRate[];
  incidents: PublicIncident[];
  /** Shown only when the monitor's config sets show_target: internal hostnames must not leak. */
  target: string | null;
  lastError: string | null;
  /** Per-region status and latency when agents run in several regions. */
  regions: RegionView[];
}

/** What a monitor checks, in one line (URL, host:port, name, gateway…). */
function targetOf(config: unknown): string | null {
  const c = config as Record<string, unknown>;
  switch (c?.kind) {
    case "http":
    case "registry":
    case "skynet":
      return String(c.url);
    case "tcp":
      return `${c.host}:${c.port}`;
    case "dns":
      return `${c.query} (${c.record})`;
    case "ipfs":
      return `${c.gateway}/ipfs/${c.cid}`;
    case "s3":
      return `${c.endpoint}/${c.bucket}/${c.key}`;
    default:
      return null;
  }
}

/** The public facts of one monitor; null for unknown, hidden and archived ones alike. */
export async function getMonitorPage(db: Db, slug: string, now = Date.now()): Promise<MonitorPage | null> {
  const m = await findPublicMonitor(db, slug);
  if (!m) return null;
  const sloTarget = { id: m.id, intervalSec: m.intervalSec, sloPercent: m.sloPercent };
  const [uptime, changes, inMaintenance, bars, latency, phases, slo, burn, incidents, regions] = await Promise.all([
    uptimeForAll(db, { monitorIds: [m.id], now }),
    db.stateChange.findMany({ where: { monitorId: m.id }, orderBy: { at: "desc" }, take: 20 }),
    monitorsUnderMaintenance(db, now, [m.id]),
    dailyBars(db, [sloTarget], now),
    latencySeries(db, m.id, now),
    phaseSeries(db, m.id, now),
    sloStatus(db, [sloTarget], now),
    m.sloPercent !== null ? burnRates(db, { id: m.id, sloPercent: m.sloPercent }, now) : Promise.resolve([]),
    incidentsForMonitor(db, m.id),
    regionView(db, m.id, now),
  ]);
  const u = uptime.get(m.id);
  return {
    slug: m.slug,
    name: m.name,
    group: m.group,
    description: m.description,
    status: m.disabledReason ? "unknown" : componentStatus(m.state?.status, inMaintenance.has(m.id)),
    since: m.state?.since ?? null,
    lastLatencyMs: m.state?.lastLatencyMs ?? null,
    disabledReason: m.disabledReason,
    uptime: Object.fromEntries(ALL_WINDOWS.map((w) => [w, u?.[w] ?? null])) as Record<UptimeWindow, WindowUptime | null>,
    stateChanges: changes.map((c) => ({ from: c.fromStatus, to: c.toStatus, at: c.at })),
    bars: bars.get(m.id) ?? [],
    latency,
    phases,
    slo: slo.get(m.id) ?? null,
    burn,
    incidents,
    target: m.showTarget ? targetOf(m.config) : null,
    lastError: m.showTarget ? (m.state?.lastError ?? null) : null,
    regions,
  };
}
