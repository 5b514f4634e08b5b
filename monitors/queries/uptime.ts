import { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import { ceilToBucket, type Resolution } from "../store/buckets";

export const UPTIME_WINDOWS = { "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000, "90d": 90 * 86_400_000, "1y": 365 * 86_400_000 } as const;
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
 * Splits [start, now] into whole days, then whole hours, then whole minutes at the
 * front edge, so each piece reads the coarsest rollup that covers it exactly.
 */
export function windowSegments(start: number, now: number): Array<{ resolution: Resolution; from: number; to: number }> {
  const day = ceilToBucket("day", start);
  const hour = ceilToBucket("hour", start);
  const minute = ceilToBucket("minute", start);
  const segs: Array<{ resolution: Resolution; from: number; to: number }> = [];
  if (day <= now) segs.push({ resolution: "day", from: day, to: Infinity });
  if (hour < Math.min(day, now)) segs.push({ resolution: "hour", from: hour, to: Math.min(day, now + 1) });
  if (minute < Math.min(hour, now)) segs.push({ resolution: "minute", from: minute, to: Math.min(hour, now + 1) });
  return segs;
}

interface Piece {
  resolution: Resolution;
  from: number;
  to: number;
  /** Windows this piece of time belongs to. */
  windows: UptimeWindow[];
}

/**
 * The pieces to read for a set of windows. Their day segments all end now, so they nest:
 * they are cut into disjoint ranges, each read once and added to every window that covers it.
 */
function planPieces(windows: UptimeWindow[], now: number): Piece[] {
  const pieces: Piece[] = [];
  const dayStarts: Array<{ from: number; window: UptimeWindow }> = [];
  for (const w of windows) {
    for (const seg of windowSegments(now - UPTIME_WINDOWS[w], now)) {
      if (seg.resolution === "day") dayStarts.push({ from: seg.from, window: w });
      else pieces.push({ ...seg, windows: [w] });
    }
  }
  const bounds = [...new Set(dayStarts.map((d) => d.from))].sort((a, b) => a - b);
  bounds.forEach((from, i) => {
    const to = bounds[i + 1] ?? Infinity;
    pieces.push({ resolution: "day", from, to, windows: dayStarts.filter((d) => d.from <= from).map((d) => d.window) });
  });
  return pieces;
}

/**
 * Uptime of every monitor over each window, from rollups only, in one query whatever the
 * number of monitors. Naming the monitors lets SQLite walk the (monitor, resolution, bucket)
 * key instead of the time index.
 */
export async function uptimeForAll(
  db: Db,
  opts: { windows?: UptimeWindow[]; monitorIds?: number[]; now?: number } = {},
): Promise<Map<number, Record<UptimeWindow, WindowUptime>>> {
  const now = opts.now ?? Date.now();
  const windows = opts.windows ?? ALL_WINDOWS;
  const monitorIds = opts.monitorIds ?? (await db.monitor.findMany({ where: { archivedAt: null }, select: { id: true } })).map((m) => m.id);
  const pieces = planPieces(windows, now);
  if (!monitorIds.length || !pieces.length) return new Map();
  // One round trip: each piece is summed per monitor, tagged with its index, in a UNION ALL.
  // The monitor list is bound once, in a CTE, rather than once per piece.
  const selects = pieces.map(
    (p, i) =>
      Prisma.sql`SELECT "monitorId", ${i} AS piece, SUM("up") AS up, SUM("degraded") AS degraded, SUM("down") AS down, SUM("maintenance") AS maintenance
        FROM "Rollup" WHERE "monitorId" IN (SELECT "id" FROM ids) AND "resolution" = ${p.resolution} AND "bucket" >= ${new Date(p.from)}
        ${Number.isFinite(p.to) ? Prisma.sql`AND "bucket" < ${new Date(p.to)}` : Prisma.empty} GROUP BY "monitorId"`,
  );
  const rows = await db.$queryRaw<Array<{ monitorId: number; piece: number | bigint; up: number | bigint | null; degraded: number | bigint | null; down: number | bigint | null; maintenance: number | bigint | null }>>(
    Prisma.sql`WITH ids AS (SELECT "id" FROM "Monitor" WHERE "id" IN (${Prisma.join(monitorIds)})) ${Prisma.join(selects, " UNION ALL ")}`,
  );
  const out = new Map<number, Record<UptimeWindow, WindowUptime>>();
  const entry = (id: number) => {
    let e = out.get(id);
    if (!e) {
      e = Object.fromEntries(windows.map((w) => [w, { ...EMPTY, ratio: null }])) as Record<UptimeWindow, WindowUptime>;
      out.set(id, e);
    }
    return e;
  };
  for (const r of rows) {
    for (const w of pieces[Number(r.piece)].windows) {
      const c = entry(Number(r.monitorId))[w];
      c.up += Number(r.up ?? 0);
      c.degraded += Number(r.degraded ?? 0);
      c.down += Number(r.down ?? 0);
      c.maintenance += Number(r.maintenance ?? 0);
    }
  }
  for (const e of out.values()) for (const w of windows) e[w].ratio = uptimeRatio(e[w]);
  return out;
}
