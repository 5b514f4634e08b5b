import { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import { querySql } from "../store/raw-sql";
import { bucketStart, ceilToBucket, type Resolution } from "../core/buckets";
import { DAY_MS } from "../core/duration";

export const UPTIME_WINDOWS = {
  "24h": DAY_MS,
  "7d": 7 * DAY_MS,
  "30d": 30 * DAY_MS,
  "90d": 90 * DAY_MS,
  "1y": 365 * DAY_MS,
} as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;
export const ALL_WINDOWS = Object.keys(UPTIME_WINDOWS) as UptimeWindow[];

export interface SlotCounts {
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
}

export interface WindowUptime extends SlotCounts {
  /** (up + degraded) / (up + degraded + down); null when no slot counts (no data or all maintenance). */
  ratio: number | null;
}

export function uptimeRatio(c: SlotCounts): number | null {
  const counted = c.up + c.degraded + c.down;
  return counted === 0 ? null : (c.up + c.degraded) / counted;
}

const EMPTY: SlotCounts = { up: 0, degraded: 0, down: 0, maintenance: 0 };

/**
 * Splits [start, now] into whole months, then whole days, hours and minutes at the front
 * edge, so each piece reads the coarsest rollup that covers it exactly. Whole months run up to
 * the start of the current month; its days so far are read from day buckets.
 */
export function windowSegments(start: number, now: number): Array<{ resolution: Resolution; from: number; to: number }> {
  const thisMonth = bucketStart("month", now);
  const month = ceilToBucket("month", start);
  const day = ceilToBucket("day", start);
  const hour = ceilToBucket("hour", start);
  const minute = ceilToBucket("minute", start);
  const segs: Array<{ resolution: Resolution; from: number; to: number }> = [];
  if (month < thisMonth) {
    segs.push({ resolution: "month", from: month, to: thisMonth });
    segs.push({ resolution: "day", from: thisMonth, to: Infinity });
    if (day < month) segs.push({ resolution: "day", from: day, to: month });
  } else if (day <= now) {
    segs.push({ resolution: "day", from: day, to: Infinity });
  }
  if (hour < Math.min(day, now)) segs.push({ resolution: "hour", from: hour, to: Math.min(day, now + 1) });
  if (minute < Math.min(hour, now)) segs.push({ resolution: "minute", from: minute, to: Math.min(hour, now + 1) });
  return segs;
}

interface Piece {
  resolution: Resolution;
  from: number;
  to: number;
  /** Ranges this piece of time belongs to. */
  keys: string[];
}

/**
 * The pieces to read for ranges that all end now. Segments of one resolution that end at the
 * same point nest (the windows' whole months, their current-month days): they are cut into
 * disjoint ranges, each read once and added to every range that covers it.
 */
function planPieces(starts: Record<string, number>, now: number): Piece[] {
  const groups = new Map<string, Array<{ resolution: Resolution; from: number; to: number; key: string }>>();
  for (const [key, start] of Object.entries(starts)) {
    for (const seg of windowSegments(start, now)) {
      const g = `${seg.resolution}|${seg.to}`;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push({ ...seg, key });
    }
  }
  const pieces: Piece[] = [];
  for (const segs of groups.values()) {
    const bounds = [...new Set(segs.map((s) => s.from))].sort((a, b) => a - b);
    bounds.forEach((from, i) => {
      pieces.push({
        resolution: segs[0].resolution,
        from,
        to: bounds[i + 1] ?? segs[0].to,
        keys: segs.filter((s) => s.from <= from).map((s) => s.key),
      });
    });
  }
  return pieces;
}

/**
 * Slot counts of each monitor from each start until now, from rollups only, in one query
 * whatever the number of monitors or ranges. Naming the monitors lets SQLite walk the
 * (monitor, resolution, bucket) key instead of the time index.
 */
export async function countsSince<K extends string>(
  db: Db,
  monitorIds: number[],
  starts: Record<K, number>,
  now: number,
): Promise<Map<number, Record<K, SlotCounts>>> {
  const keys = Object.keys(starts) as K[];
  const pieces = planPieces(starts, now);
  const out = new Map<number, Record<K, SlotCounts>>();
  if (!monitorIds.length || !pieces.length) return out;
  // Each piece is summed per monitor and tagged with its index; the monitor list is bound once, in a CTE.
  const selects = pieces.map(
    (p, i) =>
      Prisma.sql`SELECT "monitorId", ${Prisma.raw(String(i))} AS piece, SUM("up") AS up, SUM("degraded") AS degraded, SUM("down") AS down, SUM("maintenance") AS maintenance
        FROM "Rollup" WHERE "monitorId" IN (SELECT "id" FROM ids) AND "resolution" = ${p.resolution} AND "bucket" >= ${new Date(p.from)}
        ${Number.isFinite(p.to) ? Prisma.sql`AND "bucket" < ${new Date(p.to)}` : Prisma.empty} GROUP BY "monitorId"`,
  );
  const rows = await querySql<
    Array<{ monitorId: number; piece: number | bigint; up: unknown; degraded: unknown; down: unknown; maintenance: unknown }>
  >(
    db,
    Prisma.sql`WITH ids AS (SELECT "id" FROM "Monitor" WHERE "id" IN (${Prisma.join(monitorIds)})) ${Prisma.join(selects, " UNION ALL ")}`,
  );
  for (const r of rows) {
    const id = Number(r.monitorId);
    let e = out.get(id);
    if (!e) {
      e = Object.fromEntries(keys.map((k) => [k, { ...EMPTY }])) as Record<K, SlotCounts>;
      out.set(id, e);
    }
    for (const k of pieces[Number(r.piece)].keys as K[]) {
      e[k].up += Number(r.up ?? 0);
      e[k].degraded += Number(r.degraded ?? 0);
      e[k].down += Number(r.down ?? 0);
      e[k].maintenance += Number(r.maintenance ?? 0);
    }
  }
  return out;
}

/** Uptime of every monitor (or the given ones) over each window, in one query. */
export async function uptimeForAll(
  db: Db,
  opts: { windows?: UptimeWindow[]; monitorIds?: number[]; now?: number } = {},
): Promise<Map<number, Record<UptimeWindow, WindowUptime>>> {
  const now = opts.now ?? Date.now();
  const windows = opts.windows ?? ALL_WINDOWS;
  const monitorIds = opts.monitorIds ?? (await db.monitor.findMany({ where: { archivedAt: null }, select: { id: true } })).map((m) => m.id);
  const starts = Object.fromEntries(windows.map((w) => [w, now - UPTIME_WINDOWS[w]])) as Record<UptimeWindow, number>;
  const counts = await countsSince(db, monitorIds, starts, now);
  const out = new Map<number, Record<UptimeWindow, WindowUptime>>();
  for (const [id, c] of counts) {
    out.set(id, Object.fromEntries(windows.map((w) => [w, { ...c[w], ratio: uptimeRatio(c[w]) }])) as Record<UptimeWindow, WindowUptime>);
  }
  return out;
}
