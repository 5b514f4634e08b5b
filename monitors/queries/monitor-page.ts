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
import { probeKindOf } from "../probes/kinds";
import { latestDomainExpiry, type DomainExpiry } from "./domain-expiry";

export interface MonitorPage {
  slug: string;
  name: string;
  group: string;
  description: string | null;
  status: ComponentStatus;
  since: Date | null;
  lastLatencyMs: number | null;
  /** Slot of the newest result; null before the first. */
  lastCheckedAt: Date | null;
  disabledReason: string | null;
  uptime: Record<UptimeWindow, WindowUptime | null>;
  /**
   * `dependency` is set on a failure that began while a monitor this one depends on was down (the
   * root cause): still downtime here, but part of that monitor's incident. A hidden root cause is
   * not named (`name` null).
   */
  stateChanges: Array<{ from: string; to: string; at: Date; dependency: { name: string | null } | null }>;
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
  /** Domain monitors: the expiry date their newest check read from RDAP (null before one did, and for other kinds). */
  domainExpiry: DomainExpiry | null;
}

/** What a monitor checks, in one line (URL, host:port, name, gateway…), as its kind describes it. */
function targetOf(config: unknown): string | null {
  const c = config as Record<string, unknown> | null;
  return probeKindOf(c)?.target(c!) ?? null;
}

/** The public facts of one monitor; null for unknown, hidden and archived ones alike. */
export async function getMonitorPage(db: Db, slug: string, now = Date.now()): Promise<MonitorPage | null> {
  const m = await findPublicMonitor(db, slug);
  if (!m) return null;
  const sloTarget = { id: m.id, intervalSec: m.intervalSec, sloPercent: m.sloPercent };
  const [uptime, changes, inMaintenance, bars, latency, phases, slo, burn, incidents, regions, domainExpiry] = await Promise.all([
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
    latestDomainExpiry(db, m, now),
  ]);
  const u = uptime.get(m.id);
  const dependencyNames = await rootCauseNames(
    db,
    changes.map((c) => c.dependencyId),
  );
  return {
    slug: m.slug,
    name: m.name,
    group: m.group,
    description: m.description,
    status: componentStatus(m, inMaintenance.has(m.id), now),
    since: m.state?.since ?? null,
    lastLatencyMs: m.state?.lastLatencyMs ?? null,
    lastCheckedAt: m.state?.lastSlot ?? null,
    disabledReason: m.disabledReason,
    uptime: Object.fromEntries(ALL_WINDOWS.map((w) => [w, u?.[w] ?? null])) as Record<UptimeWindow, WindowUptime | null>,
    stateChanges: changes.map((c) => ({
      from: c.fromStatus,
      to: c.toStatus,
      at: c.at,
      dependency: c.dependencyId === null ? null : { name: dependencyNames.get(c.dependencyId) ?? null },
    })),
    bars: bars.get(m.id) ?? [],
    latency,
    phases,
    slo: slo.get(m.id) ?? null,
    burn,
    incidents,
    target: m.showTarget ? targetOf(m.config) : null,
    lastError: m.showTarget ? (m.state?.lastError ?? null) : null,
    regions,
    domainExpiry,
  };
}

/** Names of root causes that public text may show: public monitors only (a hidden one stays unnamed). */
async function rootCauseNames(db: Db, ids: Array<number | null>): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (!wanted.length) return new Map();
  const rows = await db.monitor.findMany({ where: { id: { in: wanted }, isPublic: true }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}
