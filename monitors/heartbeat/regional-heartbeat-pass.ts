import { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import type { SyncedMonitor } from "../store/config-sync";
import { querySql } from "../store/raw-sql";
import { batchStatements } from "../store/batch-statements";
import { liveStateFromRow } from "../store/live-states";
import { planBatch, type CheckOutcome, type CommittedTransition, type LiveState } from "../evaluate/batch-plan";
import { QUORUM_REGION } from "../regions/quorum-decider";
import type { HeartbeatMonitorSpec } from "../probes/kinds/heartbeat";
import type { ConfirmCounts } from "../evaluate/hysteresis";
import { HeartbeatJudge } from "./heartbeat-judge";
import { scheduleOf } from "./heartbeat-schedule";
import { PING_SETTLE_MS } from "./heartbeat-config";
import { pingsToReplay } from "./ping-replay";

/**
 * Key of the transaction-scoped advisory lock under which one agent at a time judges heartbeat
 * monitors (next to store/advisory-lock.ts's keys, in a range of its own).
 */
export const HEARTBEAT_JUDGE_LOCK = 72_707_201;

interface Judged {
  id: number;
  spec: HeartbeatMonitorSpec;
  confirm: ConfirmCounts;
}

/**
 * Heartbeat monitors on PostgreSQL, where any web node takes pings and any number of agents run.
 * They are not leased or probed by region: a pass judges every heartbeat monitor at once, in one
 * transaction that first takes an advisory lock (pg_try_advisory_xact_lock), so one agent judges
 * while the others skip that pass, and whichever agent is alive takes over at its next pass.
 *
 * The pass keeps nothing in memory: inside the transaction it reads each monitor's state, rebuilds
 * the judge from the pings (ping-replay.ts) and writes the new slots (region "quorum", like decided
 * slots) with the same plan as every result. So a ping committed late by another web node (sequence
 * values commit out of order) is never skipped, and a slot is never written twice.
 */
export class RegionalHeartbeatPass {
  private monitors: Judged[] = [];

  constructor(
    private readonly db: Db,
    private readonly opts: {
      isUnderMaintenance?: (monitorId: number, slot: number) => boolean;
      onCommitted: (t: CommittedTransition[]) => void;
      now?: () => number;
      settleMs?: number;
    },
  ) {}

  get monitorCount(): number {
    return this.monitors.length;
  }

  async apply(enabled: SyncedMonitor[]): Promise<void> {
    this.monitors = enabled
      .filter((m) => m.def.spec.kind === "heartbeat")
      .map((m) => ({ id: m.id, spec: m.def.spec as HeartbeatMonitorSpec, confirm: m.def.confirm }));
  }

  /** One pass; resolves with the slots written (0 when another agent holds the lock). */
  async run(): Promise<number> {
    const monitors = this.monitors;
    if (!monitors.length) return 0;
    const { written, transitions } = await this.db.$transaction(
      async (tx) => {
        const [lock] = await querySql<Array<{ locked: boolean }>>(
          tx,
          Prisma.sql`SELECT pg_try_advisory_xact_lock(${HEARTBEAT_JUDGE_LOCK}) AS "locked"`,
        );
        if (!lock?.locked) return { written: 0, transitions: [] as CommittedTransition[] };
        const now = this.opts.now?.() ?? Date.now();
        const rows = await tx.monitorState.findMany({ where: { monitorId: { in: monitors.map((m) => m.id) } } });
        const byId = new Map(rows.map((r) => [r.monitorId, r]));
        const states = new Map<number, LiveState>();
        const outcomes: CheckOutcome[] = [];
        for (const m of monitors) {
          const state = liveStateFromRow(byId.get(m.id), m.confirm);
          states.set(m.id, state);
          const judge = new HeartbeatJudge({
            schedule: scheduleOf(m.spec),
            graceMs: m.spec.grace,
            maxRuntimeMs: m.spec.max_runtime,
            settleMs: this.opts.settleMs ?? PING_SETTLE_MS,
          });
          const slots = [];
          for (const p of await pingsToReplay(tx, m.id, state.lastSlot)) slots.push(...judge.ping(p, now));
          slots.push(...judge.tick(now));
          for (const s of slots)
            outcomes.push({ monitorId: m.id, region: QUORUM_REGION, slot: s.slot, latenessMs: s.latenessMs, result: s.result });
        }
        const plan = planBatch(outcomes, states, this.opts.isUnderMaintenance);
        for (const op of batchStatements(tx, plan)) await op;
        return { written: plan.rows.length, transitions: plan.transitions };
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
    if (transitions.length) this.opts.onCommitted(transitions);
    return written;
  }
}
