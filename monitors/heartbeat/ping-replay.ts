import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import type { Ping, PingKind } from "./heartbeat-judge";

const SELECT = { id: true, at: true, kind: true, exitCode: true, body: true, bodyTruncated: true } as const;
/** Start pings after the last stored slot that are replayed (only the latest start of a run matters). */
const STARTS_AFTER_LAST_SLOT = 20;

/**
 * The pings that rebuild a monitor's judge up to now: its newest success or fail ping at or before
 * the last stored slot (which sets the next due time), the newest start between that ping and the
 * slot (a run still open), and every success and fail ping after the slot with the latest starts.
 * Older pings cannot change what is judged after the last stored slot. In stamp order.
 */
export async function pingsToReplay(db: Db | Prisma.TransactionClient, monitorId: number, lastSlot: number | null): Promise<Ping[]> {
  if (lastSlot === null) {
    const all = await db.heartbeatPing.findMany({ where: { monitorId }, orderBy: [{ at: "asc" }, { id: "asc" }], select: SELECT });
    return all.map(toPing);
  }
  const slot = new Date(lastSlot);
  const anchor = await db.heartbeatPing.findFirst({
    where: { monitorId, kind: { in: ["success", "fail"] }, at: { lte: slot } },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    select: SELECT,
  });
  const openStart = await db.heartbeatPing.findFirst({
    where: { monitorId, kind: "start", at: { lte: slot, ...(anchor ? { gt: anchor.at } : {}) } },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    select: SELECT,
  });
  const finished = await db.heartbeatPing.findMany({
    where: { monitorId, kind: { in: ["success", "fail"] }, at: { gt: slot } },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: SELECT,
  });
  const starts = await db.heartbeatPing.findMany({
    where: { monitorId, kind: "start", at: { gt: slot } },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: STARTS_AFTER_LAST_SLOT,
    select: SELECT,
  });
  const rows = [anchor, openStart, ...finished, ...starts].filter((r) => r !== null);
  return rows.map(toPing).sort((a, b) => a.at - b.at || a.id - b.id);
}

export function toPing(r: {
  id: number;
  at: Date;
  kind: string;
  exitCode: number | null;
  body: string | null;
  bodyTruncated: boolean;
}): Ping {
  return { id: r.id, at: r.at.getTime(), kind: r.kind as PingKind, exitCode: r.exitCode, body: r.body, bodyTruncated: r.bodyTruncated };
}
