import type { Db } from "./client";
import type { SyncedMonitor } from "../config/sync";
import { INITIAL_STATE, type Confirmed, type PendingSlot } from "../state/hysteresis";
import type { LiveState } from "./result-writer";

/** Rebuilds each monitor's hysteresis state from the database, so a restart makes no false transition. */
export async function loadLiveStates(db: Db, monitors: SyncedMonitor[], previous?: Map<number, LiveState>): Promise<Map<number, LiveState>> {
  const rows = await db.monitorState.findMany({ where: { monitorId: { in: monitors.map((m) => m.id) } } });
  const byId = new Map(rows.map((r) => [r.monitorId, r]));
  const states = previous ?? new Map<number, LiveState>();
  for (const { id, def } of monitors) {
    const row = byId.get(id);
    const confirm = def.confirm;
    const known = states.get(id);
    if (known) {
      states.set(id, { ...known, confirm });
    } else if (row) {
      states.set(id, {
        confirm,
        lastSlot: row.lastSlot ? row.lastSlot.getTime() : null,
        hysteresis: { status: row.status as Confirmed, since: row.since ? row.since.getTime() : null, pending: (row.pending as unknown as PendingSlot[]) ?? [] },
      });
    } else {
      states.set(id, { confirm, lastSlot: null, hysteresis: INITIAL_STATE });
    }
  }
  for (const id of [...states.keys()]) if (!monitors.some((m) => m.id === id)) states.delete(id);
  return states;
}
