import type { Db } from "./client";
import type { SyncedMonitor } from "./config-sync";
import { INITIAL_STATE, type ConfirmCounts, type PendingSlot } from "../evaluate/hysteresis";
import type { Confirmed } from "../core/status";
import type { LiveState } from "./result-writer";

type MonitorStateRow = { status: string; since: Date | null; lastSlot: Date | null; pending: unknown };

/** The hysteresis state stored for a monitor, or the initial one when it has none yet. */
export function liveStateFromRow(row: MonitorStateRow | undefined | null, confirm: ConfirmCounts): LiveState {
  if (!row) return { confirm, lastSlot: null, hysteresis: INITIAL_STATE };
  return {
    confirm,
    lastSlot: row.lastSlot ? row.lastSlot.getTime() : null,
    hysteresis: {
      status: row.status as Confirmed,
      since: row.since ? row.since.getTime() : null,
      pending: (row.pending as PendingSlot[]) ?? [],
    },
  };
}

/** Rebuilds each monitor's hysteresis state from the database, so a restart makes no false transition. */
export async function loadLiveStates(
  db: Db,
  monitors: SyncedMonitor[],
  previous?: Map<number, LiveState>,
): Promise<Map<number, LiveState>> {
  const rows = await db.monitorState.findMany({ where: { monitorId: { in: monitors.map((m) => m.id) } } });
  const byId = new Map(rows.map((r) => [r.monitorId, r]));
  const states = previous ?? new Map<number, LiveState>();
  for (const { id, def } of monitors) {
    const row = byId.get(id);
    const confirm = def.confirm;
    const known = states.get(id);
    states.set(id, known ? { ...known, confirm } : liveStateFromRow(row, confirm));
  }
  for (const id of [...states.keys()]) if (!monitors.some((m) => m.id === id)) states.delete(id);
  return states;
}
