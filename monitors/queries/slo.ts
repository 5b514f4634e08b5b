import type { Db } from "../store/client";
import { countsSince, uptimeRatio, type SlotCounts } from "./uptime";
import { bucketStart } from "../core/buckets";
import { DAY_MS, HOUR_MS } from "../core/duration";

export interface SloStatus {
  objectivePercent: number;
  /** Uptime since the start of this UTC month; null before any slot counted. */
  monthRatio: number | null;
  /** Minutes this month that were observed (up, degraded or down slots × their interval). */
  observedMinutes: number;
  /** Downtime the objective allows over the observed minutes. */
  budgetMinutes: number;
  /** Down slots × their interval. */
  spentMinutes: number;
  /** Budget minus spent; negative when the budget is exceeded. */
  leftMinutes: number;
}

export interface BurnRate {
  window: "1h" | "24h" | "7d";
  /** Downtime fraction over the window divided by the fraction the objective allows: 1 spends the budget exactly in a month. */
  rate: number | null;
}

/** One monitor's slots this month, with the length each slot stands for. */
interface MonthSlots {
  counts: SlotCounts | undefined;
  intervalSec: number;
}

/**
 * The one rule for an error budget, for a monitor and for a group (whose monitors' slots are
 * pooled): it counts only observed time. Observed minutes are the month's up, degraded and down
 * slots × their interval (maintenance and no data are not observed uptime or downtime); the budget
 * is (1 − objective) of those minutes, and spent is the down slots × their interval. So two
 * minutes of data that are all down are "budget exceeded by about 2 minutes", never a figure spread
 * over days nobody watched.
 */
export function errorBudget(objectivePercent: number, slots: MonthSlots[]): SloStatus {
  let observed = 0;
  let down = 0;
  let good = 0;
  let badSlots = 0;
  for (const s of slots) {
    const c = s.counts;
    if (!c) continue;
    const minutes = s.intervalSec / 60;
    observed += (c.up + c.degraded + c.down) * minutes;
    down += c.down * minutes;
    good += c.up + c.degraded;
    badSlots += c.down;
  }
  const budget = ((100 - objectivePercent) / 100) * observed;
  return {
    objectivePercent,
    monthRatio: uptimeRatio({ up: good, degraded: 0, down: badSlots, maintenance: 0 }),
    observedMinutes: Math.round(observed),
    budgetMinutes: Math.round(budget),
    spentMinutes: Math.round(down),
    leftMinutes: Math.round(budget - down),
  };
}

const monthStart = (now: number) => bucketStart("month", now);

/** This month's uptime against each monitor's objective, and its error budget (errorBudget). */
export async function sloStatus(
  db: Db,
  monitors: Array<{ id: number; intervalSec: number; sloPercent: number | null }>,
  now = Date.now(),
): Promise<Map<number, SloStatus>> {
  const withSlo = monitors.filter((m) => m.sloPercent !== null);
  const out = new Map<number, SloStatus>();
  if (!withSlo.length) return out;
  const counts = await countsSince(
    db,
    withSlo.map((m) => m.id),
    { month: monthStart(now) },
    now,
  );
  for (const m of withSlo) out.set(m.id, errorBudget(m.sloPercent!, [{ counts: counts.get(m.id)?.month, intervalSec: m.intervalSec }]));
  return out;
}

/** A component group's month against its objective: its monitors' slots pooled (errorBudget). */
export async function groupSloStatus(
  db: Db,
  groups: Array<{ name: string; sloPercent: number; monitors: Array<{ id: number; intervalSec: number }> }>,
  now = Date.now(),
): Promise<Map<string, SloStatus>> {
  const out = new Map<string, SloStatus>();
  const ids = groups.flatMap((g) => g.monitors.map((m) => m.id));
  if (!ids.length) return out;
  const counts = await countsSince(db, ids, { month: monthStart(now) }, now);
  for (const g of groups)
    out.set(
      g.name,
      errorBudget(
        g.sloPercent,
        g.monitors.map((m) => ({ counts: counts.get(m.id)?.month, intervalSec: m.intervalSec })),
      ),
    );
  return out;
}

/** How fast a monitor spends its error budget over the last hour, day and week. */
export async function burnRates(db: Db, monitor: { id: number; sloPercent: number }, now = Date.now()): Promise<BurnRate[]> {
  const allowed = (100 - monitor.sloPercent) / 100;
  const counts = (await countsSince(db, [monitor.id], { "1h": now - HOUR_MS, "24h": now - DAY_MS, "7d": now - 7 * DAY_MS }, now)).get(
    monitor.id,
  );
  return (["1h", "24h", "7d"] as const).map((window) => {
    const c = counts?.[window];
    const total = c ? c.up + c.degraded + c.down : 0;
    if (!c || total === 0 || allowed === 0) return { window, rate: null };
    return { window, rate: c.down / total / allowed };
  });
}
