import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import type { BatchPlan } from "../evaluate/batch-plan";
import { storedErrorText } from "../core/error-text";
import { resultInsertStatements } from "./result-insert";
import { rollupUpsertStatements } from "./rollup-upsert";

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
  for (const [monitorId, s] of plan.nextStates) {
    const r = s.last.result;
    const data = {
      status: s.hysteresis.status,
      since: s.hysteresis.since === null ? null : new Date(s.hysteresis.since),
      lastSlot: new Date(s.lastSlot!),
      lastStatus: r.status,
      lastLatencyMs: r.status === "down" || r.untimed ? null : r.phases.totalMs,
      lastLatenessMs: s.last.latenessMs,
      lastError: storedErrorText(r.error),
      pending: s.hysteresis.pending as unknown as Prisma.InputJsonValue,
      ...(r.certExpiresAt ? { certExpiresAt: r.certExpiresAt } : {}),
    };
    ops.push(db.monitorState.upsert({ where: { monitorId }, create: { monitorId, ...data }, update: data }));
  }
  return ops;
}
