import type { Db } from "../store/client";
import { findPublicMonitor } from "../queries/public-monitor";
import { getOverallStatus } from "../queries/status-page";
import { uptimeForAll, type UptimeWindow } from "../queries/uptime";
import { latencyStats } from "../queries/latency";
import { componentStatus, type ComponentStatus, type OverallStatus } from "../queries/overall-status";
import { truncatePercent } from "../presentation/format";
import { monitorsUnderMaintenance } from "../queries/maintenance";
import { latestDomainExpiry } from "../queries/domain-expiry";
import type { ExpiryLevel } from "../probes/rdap/expiry-level";
import type { BadgeOptions } from "./badge-params";
import { DAY_MS } from "../core/duration";

export type BadgeKind = "status" | "uptime" | "response" | "cert" | "expiry";
export const BADGE_KINDS: readonly BadgeKind[] = ["status", "uptime", "response", "cert", "expiry"];

export interface BadgeContent {
  label: string;
  message: string;
  color: string;
}

const STATUS_BADGE: Record<ComponentStatus, { message: string; color: string }> = {
  operational: { message: "up", color: "brightgreen" },
  degraded_performance: { message: "degraded", color: "yellow" },
  partial_outage: { message: "partial outage", color: "orange" },
  major_outage: { message: "down", color: "red" },
  under_maintenance: { message: "maintenance", color: "blue" },
  unknown: { message: "no data", color: "lightgrey" },
  stale: { message: "no recent data", color: "lightgrey" },
};

const OVERALL_BADGE: Record<OverallStatus, { message: string; color: string }> = {
  operational: { message: "operational", color: "brightgreen" },
  degraded: { message: "degraded", color: "yellow" },
  partial_outage: { message: "partial outage", color: "orange" },
  major_outage: { message: "major outage", color: "red" },
  maintenance: { message: "maintenance", color: "blue" },
  unknown: { message: "no data", color: "lightgrey" },
  stale: { message: "no recent data", color: "lightgrey" },
};

/** Uptime colours: 98% is OpenRegistry's promise, so it is the last shade of green. */
export function uptimeColor(percent: number): string {
  if (percent >= 99.9) return "brightgreen";
  if (percent >= 99) return "green";
  if (percent >= 98) return "yellowgreen";
  if (percent >= 95) return "yellow";
  if (percent >= 90) return "orange";
  return "red";
}

export function responseColor(ms: number): string {
  if (ms < 200) return "brightgreen";
  if (ms < 500) return "green";
  if (ms < 1000) return "yellowgreen";
  if (ms < 2000) return "yellow";
  if (ms < 5000) return "orange";
  return "red";
}

export function certColor(days: number): string {
  if (days < 0) return "red";
  if (days < 7) return "orange";
  if (days < 14) return "yellow";
  return "brightgreen";
}

/** The domain monitor's thresholds: degraded within expiry_warn_days is yellow, as on the status badge. */
const EXPIRY_COLOR: Record<ExpiryLevel, string> = { ok: "brightgreen", warn: "yellow", expired: "red" };

/** Uptime text that never rounds a dip up to 100%. */
export function uptimeMessage(ratio: number): string {
  if (ratio === 1) return "100%";
  const digits = ratio >= 0.999 ? 3 : 2;
  return `${truncatePercent(ratio, digits)
    .toFixed(digits)
    .replace(/\.?0+$/, "")}%`;
}

/** The badge's facts for a monitor, or null when the public may not see it. */
export async function monitorBadgeContent(
  db: Db,
  slug: string,
  kind: BadgeKind,
  opts: BadgeOptions,
  now = Date.now(),
): Promise<BadgeContent | null> {
  const monitor = await findPublicMonitor(db, slug);
  if (!monitor) return null;
  const name = monitor.name;
  switch (kind) {
    case "status": {
      const inMaintenance = (await monitorsUnderMaintenance(db, now, [monitor.id])).has(monitor.id);
      const status = componentStatus(monitor, inMaintenance, now);
      return { label: name, ...STATUS_BADGE[status] };
    }
    case "uptime": {
      const u = (await uptimeForAll(db, { windows: [opts.window], monitorIds: [monitor.id], now })).get(monitor.id)?.[opts.window];
      const label = `uptime ${opts.window}`;
      if (!u || u.ratio === null) return { label, message: "no data", color: "lightgrey" };
      return { label, message: uptimeMessage(u.ratio), color: uptimeColor(u.ratio * 100) };
    }
    case "response": {
      const s = await latencyStats(db, monitor.id, opts.window as UptimeWindow, now);
      const value = opts.stat === "p95" ? s.p95Ms : s.avgMs;
      const label = `response ${opts.stat} ${opts.window}`;
      if (value === null) return { label, message: "no data", color: "lightgrey" };
      return { label, message: value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`, color: responseColor(value) };
    }
    case "cert": {
      const expires = monitor.state?.certExpiresAt;
      if (!expires) return { label: "certificate", message: "no data", color: "lightgrey" };
      const days = Math.floor((expires.getTime() - now) / DAY_MS);
      return { label: "certificate", message: days < 0 ? "expired" : `${days} days`, color: certColor(days) };
    }
    case "expiry": {
      // Only domain monitors read an expiry; for the others the badge does not exist.
      if (monitor.kind !== "domain") return null;
      const expiry = await latestDomainExpiry(db, monitor, now);
      if (!expiry) return { label: "domain expiry", message: "no data", color: "lightgrey" };
      const message =
        expiry.level === "expired"
          ? "expired"
          : expiry.daysLeft === 0
            ? "today"
            : `${expiry.daysLeft} day${expiry.daysLeft === 1 ? "" : "s"}`;
      return { label: "domain expiry", message, color: EXPIRY_COLOR[expiry.level] };
    }
  }
}

export async function overallBadgeContent(db: Db, now = Date.now()): Promise<BadgeContent> {
  return { label: "status", ...OVERALL_BADGE[await getOverallStatus(db, now)] };
}
