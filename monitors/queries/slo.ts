import type { Db } from "../store/client";
import { countsSince } from "./uptime";

export interface SloStatus {
  objectivePercent: number;
  /** Uptime since the start of this UTC month; null before any slot counted. */
  monthRatio: number | null;
  /** Downtime the objective allows over the whole month. */
  budgetMinutes: number;
  spentMinutes: number;
  leftMinutes: number;
}

export interface BurnRate {
  window: "1h" | "24h" | "7d";
  /** Downtime fraction over the window divided by the fraction the objective allows: 1 spends the budget exactly in a month. */
  rate: number | null;
}

function monthStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function daysInMonth(now: number): number {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

/**
 * This month's uptime against each monitor's objective, and the error budget left in minutes.
 * The budget is (1 − objective) of the whole month; downtime is down slots × interval.
 */
export async function sloStatus(db: Db, monitors: Array<{ id: number; intervalSec: number; sloPercent: number | null }>, now = Date.now()): Promise<Map<number, SloStatus>> {
  const withSlo = monitors.filter((m) => m.sloPercent !== null);
  const out = new Map<number, SloStatus>();
  if (!withSlo.length) return out;
  const counts = await countsSince(db, withSlo.map((m) => m.id), { month: monthStart(now) }, now);
  for (const m of withSlo) {
    const month = counts.get(m.id)?.month;
    const c = { good: (month?.up ?? 0) + (month?.degraded ?? 0), down: month?.down ?? 0 };
    const budgetMinutes = ((100 - m.sloPercent!) / 100) * daysInMonth(now) * 1440;
    const spentMinutes = (c.down * m.intervalSec) / 60;
    out.set(m.id, {
      objectivePercent: m.sloPercent!,
      monthRatio: c.good + c.down ? c.good / (c.good + c.down) : null,
      budgetMinutes: Math.round(budgetMinutes),
      spentMinutes: Math.round(spentMinutes),
      leftMinutes: Math.round(budgetMinutes - spentMinutes),
    });
  }
  return out;
}

/**
 * A component group's month against its objective: the group's slots pooled, so the budget is
 * (1 − objective) of the month and the spent part is the down share of the month so far.
 */
export async function groupSloStatus(db: Db, groups: Array<{ name: string; sloPercent: number; monitorIds: number[] }>, now = Date.now()): Promise<Map<string, SloStatus>> {
  const out = new Map<string, SloStatus>();
  const ids = groups.flatMap((g) => g.monitorIds);
  if (!ids.length) return out;
  const counts = await countsSince(db, ids, { month: monthStart(now) }, now);
  const monthMinutes = daysInMonth(now) * 1440;
  const elapsedMinutes = (now - monthStart(now)) / 60_000;
  for (const g of groups) {
    let good = 0;
    let down = 0;
    for (const id of g.monitorIds) {
      const c = counts.get(id)?.month;
      good += (c?.up ?? 0) + (c?.degraded ?? 0);
      down += c?.down ?? 0;
    }
    const ratio = good + down ? good / (good + down) : null;
    const budgetMinutes = ((100 - g.sloPercent) / 100) * monthMinutes;
    const spentMinutes = ratio === null ? 0 : (1 - ratio) * elapsedMinutes;
    out.set(g.name, { objectivePercent: g.sloPercent, monthRatio: ratio, budgetMinutes: Math.round(budgetMinutes), spentMinutes: Math.round(spentMinutes), leftMinutes: Math.round(budgetMinutes - spentMinutes) });
  }
  return out;
}

/** How fast a monitor spends its error budget over the last hour, day and week. */
export async function burnRates(db: Db, monitor: { id: number; sloPercent: number }, now = Date.now()): Promise<BurnRate[]> {
  const allowed = (100 - monitor.sloPercent) / 100;
  const counts = (await countsSince(db, [monitor.id], { "1h": now - 3_600_000, "24h": now - 86_400_000, "7d": now - 7 * 86_400_000 }, now)).get(monitor.id);
  return (["1h", "24h", "7d"] as const).map((window) => {
    const c = counts?.[window];
    const total = c ? c.up + c.degraded + c.down : 0;
    if (!c || total === 0 || allowed === 0) return { window, rate: null };
    return { window, rate: c.down / total / allowed };
  });
}
