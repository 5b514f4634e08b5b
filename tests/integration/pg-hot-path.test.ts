import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { missing } from "../helpers/external-parts";
import { createMonitors, heartbeat } from "../helpers/regions";
import { batchStatements, writeBatchPg } from "@/monitors/store/batch-statements";
import { pgPoolOf, pgTransaction } from "@/monitors/store/pg-direct";
import { planBatch, type CheckOutcome, type LiveState } from "@/monitors/evaluate/batch-plan";
import { INITIAL_STATE } from "@/monitors/evaluate/hysteresis";
import { ensurePartitions } from "@/monitors/store/partitions";
import { writeRegionChecks } from "@/monitors/regions/region-check-writer";
import { decideSlots, QUORUM_REGION } from "@/monitors/regions/quorum-decider";
import type { Observed } from "@/monitors/core/status";

const MIN = 60_000;

/** A sequence that confirms an outage and a recovery, so the plans hold corrections and state changes. */
const SEQUENCE: Observed[] = ["up", "down", "down", "down", "up", "up", "degraded"];

function outcomes(monitorId: number, base: number, region = "default"): CheckOutcome[] {
  return SEQUENCE.map((status, i) => ({
    monitorId,
    region,
    slot: base + i * MIN,
    latenessMs: 1.25 + i,
    result: {
      status,
      phases: { totalMs: 20 + i, dnsMs: 1, connectMs: 2, firstByteMs: 15 },
      details: i === 2 ? { httpStatus: 503, note: 'quote " and backslash \\' } : {},
      ...(status === "down" ? { errorClass: "connect" as const, error: 'ECONNREFUSED, "refused"' } : {}),
    },
  }));
}

/** A table's rows of one monitor, without the monitor's id and what differs between two writes by nature. */
async function rowsOf(t: TempDb, table: string, monitorId: number, order: string, drop: string[] = []) {
  const { rows } = await pgPoolOf(t.db)!.query(`SELECT * FROM "${table}" WHERE "monitorId" = $1 ORDER BY ${order}`, [monitorId]);
  return rows.map((r) => {
    for (const c of ["monitorId", ...drop]) delete r[c];
    return r;
  });
}

describe.skipIf(missing("postgres"))("the agent's hot path straight through pg", () => {
  let t: TempDb;
  const tz = process.env.TZ;
  beforeAll(async () => {
    t = await createTempDb("postgresql");
    await ensurePartitions(t.db);
  });
  afterAll(async () => t.cleanup());
  afterEach(() => {
    process.env.TZ = tz;
  });

  it("stores a batch exactly as the Prisma statements do: results, corrections, rollups, state changes, states", async () => {
    const [viaPrisma, viaPg] = await createMonitors(t.db, 2, "parity");
    const base = Date.now() - 20 * MIN - ((Date.now() - 20 * MIN) % MIN);
    const confirm = { down: 2, up: 2 };
    const fresh = (id: number) => new Map<number, LiveState>([[id, { hysteresis: INITIAL_STATE, lastSlot: null, confirm }]]);
    const statesA = fresh(viaPrisma);
    const statesB = fresh(viaPg);
    let corrections = 0;
    // One slot per batch, so corrections reach rows committed by an earlier batch.
    for (let i = 0; i < SEQUENCE.length; i++) {
      const a = planBatch([outcomes(viaPrisma, base)[i]], statesA);
      const b = planBatch([outcomes(viaPg, base)[i]], statesB);
      corrections += b.corrections.length;
      await t.db.$transaction(batchStatements(t.db, a));
      await pgTransaction(pgPoolOf(t.db)!, (s) => writeBatchPg(s, b));
      for (const [plan, states] of [
        [a, statesA],
        [b, statesB],
      ] as const)
        for (const [id, s] of plan.nextStates) states.set(id, { hysteresis: s.hysteresis, lastSlot: s.lastSlot, confirm });
    }
    expect(corrections, "the sequence exercises corrections").toBeGreaterThan(0);
    for (const [table, order, drop] of [
      ["CheckResult", `"slot"`, []],
      ["Rollup", `"resolution", "bucket"`, []],
      ["StateChange", `"at"`, ["id"]],
      ["MonitorState", `"monitorId"`, ["updatedAt"]],
    ] as const) {
      const prismaRows = await rowsOf(t, table, viaPrisma, order, [...drop]);
      expect(prismaRows.length, `${table} has rows`).toBeGreaterThan(0);
      expect(await rowsOf(t, table, viaPg, order, [...drop]), table).toEqual(prismaRows);
    }
  });

  it("writes and reads timestamps as UTC whatever the process's time zone", async () => {
    const [id] = await createMonitors(t.db, 1, "tz");
    await t.db.monitor.update({ where: { id }, data: { regions: ["east"] } });
    const base = Date.UTC(2026, 11, 8, 1, 0, 0);
    await ensurePartitions(t.db, base);
    process.env.TZ = "Asia/Kolkata"; // +05:30: an offset taken for UTC would move every slot
    await heartbeat(t.db, "agent-east", "east");
    await writeRegionChecks(t.db, "agent-east")(outcomes(id, base, "east").slice(0, 2));
    const pass = await decideSlots(t.db, { agentAliveMs: 60_000 });
    expect(pass.decided).toBe(2);
    const checks = await t.db.regionCheck.findMany({ where: { monitorId: id }, orderBy: { slot: "asc" } });
    expect(checks.map((c) => c.slot.getTime())).toEqual([base, base + MIN]);
    expect(checks.every((c) => c.decidedAt !== null)).toBe(true);
    const results = await t.db.checkResult.findMany({ where: { monitorId: id, region: QUORUM_REGION }, orderBy: { slot: "asc" } });
    expect(results.map((r) => r.slot.getTime())).toEqual([base, base + MIN]);
    const state = await t.db.monitorState.findUniqueOrThrow({ where: { monitorId: id } });
    expect(state.lastSlot?.getTime()).toBe(base + MIN);
  });
});
