import type { Db } from "../store/client";
import { incidentsBetween, type PublicIncident } from "./incidents";
import { maintenancesBetween, type PublicMaintenance } from "./maintenance";
import { DAY_MS } from "../core/duration";

export const HISTORY_DAYS = 90;

export interface HistoryMonth {
  /** YYYY-MM (UTC). */
  month: string;
  incidents: PublicIncident[];
  maintenances: PublicMaintenance[];
}

export interface HistoryPage {
  from: Date;
  to: Date;
  months: HistoryMonth[];
  /** Where "older" starts, or null when nothing older exists. */
  olderBefore: Date | null;
}

/** Incidents and maintenance of the 90 days before `before`, grouped by month, newest first. */
export async function historyPage(db: Db, before: Date, now = Date.now()): Promise<HistoryPage> {
  const from = new Date(before.getTime() - HISTORY_DAYS * DAY_MS);
  const [incidents, maintenances, older] = await Promise.all([
    incidentsBetween(db, from, before),
    maintenancesBetween(db, from, before, now),
    db.incident
      .findFirst({ where: { startedAt: { lt: from } }, select: { id: true } })
      .then(async (i) => i ?? db.maintenance.findFirst({ where: { recurrence: null, startsAt: { lt: from } }, select: { id: true } })),
  ]);
  const months = new Map<string, HistoryMonth>();
  const month = (d: Date) => d.toISOString().slice(0, 7);
  const entry = (key: string) => {
    let m = months.get(key);
    if (!m) {
      m = { month: key, incidents: [], maintenances: [] };
      months.set(key, m);
    }
    return m;
  };
  for (const i of incidents) entry(month(i.startedAt)).incidents.push(i);
  for (const m of maintenances) entry(month(m.startsAt)).maintenances.push(m);
  return {
    from,
    to: before,
    months: [...months.values()].sort((a, b) => b.month.localeCompare(a.month)),
    olderBefore: older ? from : null,
  };
}
