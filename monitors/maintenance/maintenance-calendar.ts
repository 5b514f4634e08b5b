import type { Db } from "../store/client";
import { DAY_MS } from "../core/duration";

interface Window {
  start: number;
  end: number;
  monitorIds: Set<number>;
}

/**
 * The maintenance windows the agent needs to classify slots, refreshed from the
 * database so that a window scheduled on the web side takes effect without a restart.
 */
export class MaintenanceCalendar {
  private windows: Window[] = [];

  async refresh(db: Db, now = Date.now()): Promise<void> {
    const rows = await db.maintenance.findMany({
      where: {
        recurrence: null,
        cancelledAt: null,
        endsAt: { gt: new Date(now - DAY_MS) },
        startsAt: { lt: new Date(now + DAY_MS) },
      },
      include: { monitors: { select: { monitorId: true } } },
    });
    this.windows = rows.map((r) => ({
      start: r.startsAt.getTime(),
      end: r.endsAt.getTime(),
      monitorIds: new Set(r.monitors.map((m) => m.monitorId)),
    }));
  }

  isUnderMaintenance(monitorId: number, slot: number): boolean {
    return this.windows.some((w) => slot >= w.start && slot < w.end && w.monitorIds.has(monitorId));
  }
}
