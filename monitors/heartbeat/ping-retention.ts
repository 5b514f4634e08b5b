import type { Db } from "../store/client";

/**
 * Deletes pings older than the raw results' retention (RETENTION_RAW_DAYS): their slots are in the
 * results and rollups already. Each monitor's newest success or fail ping stays whatever its age,
 * because a restarted agent rebuilds the monitor's next due time from it (heartbeat-pass.ts).
 */
export async function purgeOldPings(db: Db, rawDays: number, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - rawDays * 86_400_000);
  const newest = await db.heartbeatPing.groupBy({
    by: ["monitorId"],
    where: { kind: { in: ["success", "fail"] } },
    _max: { id: true },
  });
  const keep = newest.flatMap((n) => (n._max.id === null ? [] : [n._max.id]));
  const r = await db.heartbeatPing.deleteMany({ where: { at: { lt: cutoff }, id: { notIn: keep } } });
  return r.count;
}
