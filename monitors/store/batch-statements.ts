import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import type { BatchPlan } from "../evaluate/batch-plan";
import { storedErrorText } from "../core/error-text";
import { type PgSession, type PreparedStatement, utcText } from "./pg-direct";
import { insertResultsPg, resultInsertStatements } from "./result-insert";
import { rollupUpsertStatements, upsertRollupsPg } from "./rollup-upsert";
import { type MonitorStateRow, stateUpsertStatements, upsertStatesPg } from "./state-upsert";
import { columnArrays, type TypedColumn, unnestInsert } from "./unnest";

/** A plan's state changes as StateChange rows. */
function stateChangeRows(plan: BatchPlan) {
  return plan.transitions.map((t) => ({
    monitorId: t.monitorId,
    region: t.region,
    fromStatus: t.from,
    toStatus: t.to,
    at: new Date(t.at),
    confirmedAt: new Date(t.confirmedAt),
    reason: storedErrorText(t.reason),
  }));
}

/** A plan's monitor states as MonitorState rows. */
function monitorStateRows(plan: BatchPlan): MonitorStateRow[] {
  const states: MonitorStateRow[] = [];
  for (const [monitorId, s] of plan.nextStates) {
    const r = s.last.result;
    states.push({
      monitorId,
      status: s.hysteresis.status,
      since: s.hysteresis.since,
      lastSlot: s.lastSlot!,
      lastStatus: r.status,
      lastLatencyMs: r.status === "down" || r.untimed ? null : (r.phases.totalMs ?? null),
      lastLatenessMs: s.last.latenessMs,
      lastError: storedErrorText(r.error) ?? null,
      pending: s.hysteresis.pending,
      certExpiresAt: r.certExpiresAt ?? null,
    });
  }
  return states;
}

/**
 * The statements that store a plan: raw results, corrections of earlier slots, rollup counters,
 * state changes and monitor states. Run them in one transaction, so a crash at any point leaves
 * them consistent with each other. (On PostgreSQL the hot path uses writeBatchPg instead.)
 */
export function batchStatements(db: Db | Prisma.TransactionClient, plan: BatchPlan): Prisma.PrismaPromise<unknown>[] {
  const ops: Prisma.PrismaPromise<unknown>[] = [...resultInsertStatements(db, plan.rows)];
  for (const c of plan.corrections) {
    ops.push(
      db.checkResult.updateMany({ where: { monitorId: c.monitorId, region: c.region, slot: new Date(c.slot) }, data: { effective: c.to } }),
    );
  }
  ops.push(...rollupUpsertStatements(db, plan.deltas.values()));
  if (plan.transitions.length) ops.push(db.stateChange.createMany({ data: stateChangeRows(plan) }));
  ops.push(...stateUpsertStatements(db, monitorStateRows(plan)));
  return ops;
}

const STATE_CHANGE_COLUMNS: readonly TypedColumn[] = [
  ["monitorId", "int"],
  ["region", "text"],
  ["fromStatus", "text"],
  ["toStatus", "text"],
  ["at", "timestamp(3)"],
  ["confirmedAt", "timestamp(3)"],
  ["reason", "text"],
];
const STATE_CHANGE_INSERT_PG = unnestInsert("state_change_insert", "StateChange", STATE_CHANGE_COLUMNS);

// The slot range lets PostgreSQL prune the time partitions the corrections cannot be in.
const CORRECTIONS_PG: PreparedStatement = {
  name: "result_corrections",
  text: `UPDATE "CheckResult" AS c SET "effective" = u."effective"
         FROM unnest($1::int[], $2::text[], $3::timestamp(3)[], $4::text[]) AS u("monitorId", "region", "slot", "effective")
         WHERE c."monitorId" = u."monitorId" AND c."region" = u."region" AND c."slot" = u."slot"
           AND c."slot" >= $5::timestamp(3) AND c."slot" <= $6::timestamp(3)`,
};

/**
 * batchStatements on PostgreSQL: one prepared statement per table, each taking the whole batch as
 * arrays. Run it inside pgTransaction, for the same all-or-nothing write.
 */
export async function writeBatchPg(s: PgSession, plan: BatchPlan): Promise<void> {
  await insertResultsPg(s, plan.rows);
  if (plan.corrections.length) {
    const rows = plan.corrections.map((c) => [c.monitorId, c.region, new Date(c.slot), c.to]);
    const slots = plan.corrections.map((c) => c.slot);
    await s.query(CORRECTIONS_PG, [...columnArrays(rows, 4), utcText(Math.min(...slots)), utcText(Math.max(...slots))]);
  }
  await upsertRollupsPg(s, plan.deltas.values());
  if (plan.transitions.length) {
    const rows = stateChangeRows(plan).map((c) => [c.monitorId, c.region, c.fromStatus, c.toStatus, c.at, c.confirmedAt, c.reason]);
    await s.query(STATE_CHANGE_INSERT_PG, columnArrays(rows, STATE_CHANGE_COLUMNS.length));
  }
  await upsertStatesPg(s, monitorStateRows(plan));
}
