import type { Db } from "../store/client";
import type { SyncedMonitor } from "../store/config-sync";
import type { CheckOutcome } from "../evaluate/batch-plan";
import type { HeartbeatMonitorSpec } from "../probes/kinds/heartbeat";
import { HeartbeatJudge, type Ping } from "./heartbeat-judge";
import { pingsToReplay, toPing } from "./ping-replay";
import { scheduleOf } from "./heartbeat-schedule";
import { PING_SETTLE_MS } from "./heartbeat-config";

/** Pings read per query. */
const PAGE = 2_000;

interface Watched {
  judge: HeartbeatJudge;
  region: string;
}

/**
 * The store thread's side of heartbeat monitors: reads the pings the web nodes stored, runs each
 * monitor's HeartbeatJudge over them and over the clock, and hands the judged slots to the result
 * writer as ordinary outcomes (hysteresis, rollups, incidents and uptime then treat them as any
 * other check). The probe thread never sees these monitors.
 *
 * After a start, or when a monitor is added, its judge is rebuilt by replaying its pings from the
 * last success or fail ping at or before its last stored slot: the same pings give the same slots,
 * and the writer skips those already stored.
 */
export class HeartbeatPass {
  private watched = new Map<number, Watched>();
  private lastPingId = 0;
  private started = false;

  constructor(
    private readonly db: Db,
    private readonly push: (o: CheckOutcome) => void,
    private readonly opts: { region: string; now?: () => number; settleMs?: number } = { region: "default" },
  ) {}

  get monitorCount(): number {
    return this.watched.size;
  }

  /** The enabled monitors after a config sync (with the writer drained, so each one's last stored slot is in MonitorState). */
  async apply(enabled: SyncedMonitor[]): Promise<void> {
    const now = this.now();
    if (!this.started) {
      const last = await this.db.heartbeatPing.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
      this.lastPingId = last?.id ?? 0;
      this.started = true;
    }
    const next = new Map<number, Watched>();
    for (const { id, def } of enabled) {
      if (def.spec.kind !== "heartbeat") continue;
      const spec = def.spec as HeartbeatMonitorSpec;
      const key = JSON.stringify([spec.every, spec.cron, spec.tz, spec.grace, spec.max_runtime]);
      const prev = this.watched.get(id);
      if (prev && (prev as Watched & { key?: string }).key === key) {
        next.set(id, prev);
        continue;
      }
      const judge = new HeartbeatJudge({
        schedule: scheduleOf(spec),
        graceMs: spec.grace,
        maxRuntimeMs: spec.max_runtime,
        settleMs: this.opts.settleMs ?? PING_SETTLE_MS,
      });
      const watched = Object.assign({ judge, region: this.opts.region }, { key });
      // Replayed up to the pings read so far; later ones come through run().
      const state = await this.db.monitorState.findUnique({ where: { monitorId: id }, select: { lastSlot: true } });
      for (const p of await this.replayPings(id, state?.lastSlot?.getTime() ?? null)) this.emit(id, watched, judge.ping(p, now));
      next.set(id, watched);
    }
    this.watched = next;
  }

  /** One pass: new pings in stamp order per monitor, then every deadline that passed. True when pings are left to read. */
  async run(): Promise<boolean> {
    const rows = await this.db.heartbeatPing.findMany({
      where: { id: { gt: this.lastPingId } },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true, monitorId: true, at: true, kind: true, exitCode: true, body: true, bodyTruncated: true },
    });
    const now = this.now();
    if (rows.length) this.lastPingId = rows[rows.length - 1].id;
    const byMonitor = new Map<number, Ping[]>();
    for (const r of rows) {
      if (!this.watched.has(r.monitorId)) continue;
      const list = byMonitor.get(r.monitorId) ?? [];
      list.push(toPing(r));
      byMonitor.set(r.monitorId, list);
    }
    for (const [id, pings] of byMonitor) {
      const w = this.watched.get(id)!;
      pings.sort((a, b) => a.at - b.at || a.id - b.id);
      for (const p of pings) this.emit(id, w, w.judge.ping(p, now));
    }
    for (const [id, w] of this.watched) this.emit(id, w, w.judge.tick(now));
    return rows.length === PAGE;
  }

  private emit(monitorId: number, w: Watched, slots: ReturnType<HeartbeatJudge["tick"]>): void {
    for (const s of slots) this.push({ monitorId, region: w.region, slot: s.slot, latenessMs: s.latenessMs, result: s.result });
  }

  private async replayPings(monitorId: number, lastSlot: number | null): Promise<Ping[]> {
    // Later pings come through run(), which reads past lastPingId.
    return (await pingsToReplay(this.db, monitorId, lastSlot)).filter((p) => p.id <= this.lastPingId);
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }
}
