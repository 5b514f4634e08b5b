import type { Db } from "../store/client";
import { pgSession, pgTransaction, type PreparedStatement, requirePgPool, utcText } from "../store/pg-direct";
import { planBatch, type CheckOutcome, type CommittedTransition, type LiveState } from "../evaluate/batch-plan";
import { writeBatchPg } from "../store/batch-statements";
import { liveStateFromRow } from "../store/live-states";
import type { Observed } from "../core/status";
import type { ErrorClass } from "../core/probe-result";
import { quorumResult, type RegionReport } from "../evaluate/quorum";

/** The CheckResult region of a slot decided from several regions. */
export const QUORUM_REGION = "quorum";

/** How long after a slot's timeout its decision waits for a region that has not reported. */
export const DEFAULT_DECIDE_GRACE_MS = 3_000;

/** Monitors decided per transaction: their rows stay locked only that long. */
const MONITORS_PER_PASS = 200;

export interface QuorumDeciderOptions {
  /** Agents seen within this long count as reporting for their region. */
  agentAliveMs: number;
  graceMs?: number;
  isUnderMaintenance?: (monitorId: number, slot: number) => boolean;
}

export interface DecidePass {
  decided: number;
  transitions: CommittedTransition[];
  /** More monitors were waiting than one pass takes. */
  more: boolean;
}

interface PendingRow {
  monitorId: number;
  slot: Date;
  region: string;
  status: string;
  totalMs: number | null;
  latenessMs: number;
  error: string | null;
  errorClass: string | null;
}

interface MonitorRow {
  id: number;
  timeoutMs: number;
  confirmDown: number;
  confirmUp: number;
  regions: unknown;
  quorum: number | null;
  status: string | null;
  since: Date | null;
  lastSlot: Date | null;
  pending: unknown;
}

const LIVE_REGIONS: PreparedStatement = {
  name: "decide_live_regions",
  text: `SELECT DISTINCT "region" FROM "Agent" WHERE "lastSeenAt" > $1::timestamp(3)`,
};
// Waiting monitors are picked and locked in one statement, so an agent deciding at the same time
// skips these and takes the next ones: every agent decides a share, in parallel.
const LOCK_WAITING: PreparedStatement = {
  name: "decide_lock_waiting",
  text: `SELECT "id" FROM "Monitor" WHERE "id" IN (SELECT "monitorId" FROM "RegionCheck" WHERE "decidedAt" IS NULL)
         ORDER BY "id" LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED`,
};
// Driven by the locked ids (an index lookup each): "= ANY($1)" let the generic plan of the prepared
// statement scan all of MonitorState at every pass.
const MONITORS: PreparedStatement = {
  name: "decide_monitors",
  text: `SELECT m."id", m."timeoutMs", m."confirmDown", m."confirmUp", m."regions", m."quorum", s."status", s."since", s."lastSlot", s."pending"
         FROM unnest($1::int[]) AS locked("id") JOIN "Monitor" m ON m."id" = locked."id"
           LEFT JOIN "MonitorState" s ON s."monitorId" = m."id"`,
};
const PENDING_CHECKS: PreparedStatement = {
  name: "decide_pending_checks",
  text: `SELECT "monitorId", "slot", "region", "status", "totalMs", "latenessMs", "error", "errorClass" FROM "RegionCheck"
         WHERE "monitorId" = ANY($1::int[]) AND "decidedAt" IS NULL ORDER BY "monitorId", "slot"`,
};
// One statement for the pass: each monitor's checks up to its last decided slot.
const SETTLE: PreparedStatement = {
  name: "decide_settle",
  text: `UPDATE "RegionCheck" AS r SET "decidedAt" = $1::timestamp(3)
         FROM unnest($2::int[], $3::timestamp(3)[]) AS u("monitorId", "upTo")
         WHERE r."monitorId" = u."monitorId" AND r."decidedAt" IS NULL AND r."slot" <= u."upTo"`,
};

/**
 * Turns region checks into slot results. Any agent may run it: each pass locks the monitors it
 * decides (FOR NO KEY UPDATE SKIP LOCKED, which does not block region checks being inserted), so
 * two agents never decide one monitor at once and never wait for each other. A slot is decided
 * when every live region expected for the monitor has reported, or once its deadline (slot +
 * timeout + grace) has passed with whatever regions did report. Slots are decided in order, and
 * the decision runs through the same hysteresis, rollups and state changes as a single agent's.
 * It runs for every check, so its statements go straight to `pg` (store/pg-direct.ts).
 */
export async function decideSlots(db: Db, opts: QuorumDeciderOptions, now = Date.now()): Promise<DecidePass> {
  const graceMs = opts.graceMs ?? DEFAULT_DECIDE_GRACE_MS;
  const pool = requirePgPool(db, "The quorum decision");
  const live = await pgSession(pool).query<{ region: string }>(LIVE_REGIONS, [utcText(now - opts.agentAliveMs)]);
  const liveRegions = new Set(live.map((r) => r.region));
  return pgTransaction(pool, async (s) => {
    const mine = await s.query<{ id: number }>(LOCK_WAITING, [MONITORS_PER_PASS]);
    if (!mine.length) return { decided: 0, transitions: [], more: false };
    const more = mine.length === MONITORS_PER_PASS;
    const locked = mine.map((m) => m.id);
    // Their state is read by a second statement, whose snapshot is taken once the locks are held.
    // The locking statement's snapshot can predate the commit of the agent that decided them just
    // before (PostgreSQL re-reads only rows that were updated; the monitor row was only locked),
    // and hysteresis on that stale state repeated or skipped state changes.
    const monitors = await s.query<MonitorRow>(MONITORS, [locked]);
    const rows = await s.query<PendingRow>(PENDING_CHECKS, [locked]);
    const bySlot = new Map<number, Map<number, PendingRow[]>>();
    for (const r of rows) {
      const slots = bySlot.get(r.monitorId) ?? new Map<number, PendingRow[]>();
      bySlot.set(r.monitorId, slots);
      const t = r.slot.getTime();
      slots.set(t, [...(slots.get(t) ?? []), r]);
    }

    const states = new Map<number, LiveState>();
    const outcomes: CheckOutcome[] = [];
    const settled: Array<{ monitorId: number; upTo: number }> = [];
    for (const m of monitors) {
      const state = liveStateFromRow(
        m.status === null ? null : { status: m.status, since: m.since, lastSlot: m.lastSlot, pending: parseJson(m.pending) },
        { down: m.confirmDown, up: m.confirmUp },
      );
      states.set(m.id, state);
      const listed = (parseJson(m.regions) as string[] | null) ?? [];
      const expected = (listed.length ? listed : [...liveRegions]).filter((r) => liveRegions.has(r));
      let upTo: number | null = null;
      for (const [slot, reports] of [...(bySlot.get(m.id) ?? new Map<number, PendingRow[]>())].sort((a, b) => a[0] - b[0])) {
        // A region reporting after its slot was decided: kept for the per-region view, not decided again.
        if (state.lastSlot !== null && slot <= state.lastSlot) {
          upTo = slot;
          continue;
        }
        const reported = new Set(reports.map((r) => r.region));
        const complete = expected.every((r) => reported.has(r));
        if (!complete && now < slot + m.timeoutMs + graceMs) break;
        upTo = slot;
        const counted = listed.length ? reports.filter((r) => listed.includes(r.region)) : reports;
        if (!counted.length) continue;
        outcomes.push(outcomeOf(m, slot, counted));
      }
      if (upTo !== null) settled.push({ monitorId: m.id, upTo });
    }

    const plan = planBatch(outcomes, states, opts.isUnderMaintenance);
    await writeBatchPg(s, plan);
    if (settled.length) {
      await s.query(SETTLE, [utcText(now), settled.map((x) => x.monitorId), settled.map((x) => utcText(x.upTo))]);
    }
    return { decided: plan.rows.length, transitions: plan.transitions, more };
  });
}

function parseJson(v: unknown): unknown {
  return typeof v === "string" ? JSON.parse(v) : v;
}

function outcomeOf(m: MonitorRow, slot: number, rows: PendingRow[]): CheckOutcome {
  const reports: RegionReport[] = rows.map((r) => ({
    region: r.region,
    status: r.status as Observed,
    totalMs: r.totalMs,
    error: r.error,
    errorClass: r.errorClass as ErrorClass | null,
  }));
  return {
    monitorId: m.id,
    region: QUORUM_REGION,
    slot,
    latenessMs: Math.max(...rows.map((r) => r.latenessMs)),
    result: quorumResult(reports, m.quorum),
  };
}
