import type { Db } from "../store/client";
import { DEFAULT_EXPIRY_WARN_DAYS } from "../probes/kinds/domain";
import { expiryLevel, wholeDays, type ExpiryLevel } from "../probes/rdap/expiry-level";

/** Results looked through for the newest expiry: a day and a half of checks every 6 hours, and more. */
const RECENT_RESULTS = 30;

export interface DomainExpiry {
  expiresAt: Date;
  /** Whole days from now to the expiry (negative once expired). */
  daysLeft: number;
  warnDays: number;
  level: ExpiryLevel;
  /** The slot of the check that read this expiry from RDAP. */
  checkedAt: Date;
}

/**
 * The expiry date a domain monitor's newest check read from RDAP, with the days left counted
 * from `now`; null for other kinds, and before any check has read one (never a made-up date).
 * Results of agents in regions carry only the quorum's verdict, so there it is null too.
 */
export async function latestDomainExpiry(
  db: Db,
  monitor: { id: number; kind: string; config: unknown },
  now = Date.now(),
): Promise<DomainExpiry | null> {
  if (monitor.kind !== "domain") return null;
  const rows = await db.checkResult.findMany({
    where: { monitorId: monitor.id },
    orderBy: { slot: "desc" },
    take: RECENT_RESULTS,
    select: { slot: true, details: true },
  });
  for (const row of rows) {
    const iso = (row.details as { expiresAt?: unknown } | null)?.expiresAt;
    if (typeof iso !== "string") continue;
    const expiresAt = new Date(iso);
    if (Number.isNaN(expiresAt.getTime())) continue;
    const configured = (monitor.config as { expiry_warn_days?: unknown } | null)?.expiry_warn_days;
    const warnDays = typeof configured === "number" ? configured : DEFAULT_EXPIRY_WARN_DAYS;
    const leftMs = expiresAt.getTime() - now;
    return { expiresAt, daysLeft: wholeDays(leftMs), warnDays, level: expiryLevel(leftMs, warnDays), checkedAt: row.slot };
  }
  return null;
}
