import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import type { BatchPlan } from "../evaluate/batch-plan";
import { storedErrorText } from "../core/error-text";
import { resultInsertStatements } from "./result-insert";
import { rollupUpsertStatements } from "./rollup-upsert";
import { type MonitorStateRow, stateUpsertStatements } from "./state-upsert";

/**
 * The statements that store a plan: raw results, corrections of earlier slots, rollup counters,
 * state changes and monitor states. Run them in one transaction, so a crash at any point leaves
 * them consistent with each other.
 */
export function batchStatements(db: Db | Prisma.TransactionClient, plan: BatchPlan): Prisma.PrismaPromise<unknown>[] {
  const ops: Prisma.PrismaPromise<unknown>[] = [...resultInsertStatements(db, plan.rows)];
  for (const c of plan.corrections) {
    ops.push(
      db.checkResult.updateMany({ where: { monitorId: c.monitorId, region: c.region, slot: new Date(c.slot) }, data: { effective: c.to } }),
    );
  }
  ops.push(...rollupUpsertStatements(db, plan.deltas.values()));
  if (plan.transitions.length) {
    ops.push(
      db.stateChange.createMany({
        data: plan.transitions.map((t) => ({
          monitorId: t.monitorId,
          region: t.region,
          fromStatus: t.from,
          toStatus: t.to,
          at: new Date(t.at),
          confirmedAt: new Date(t.confirmedAt),
          reason: storedErrorText(t.reason),
        })),
      }),
    );
  }
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
  ops.push(...stateUpsertStatements(db, states));
  return ops;
}
