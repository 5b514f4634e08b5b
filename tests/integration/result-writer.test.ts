import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { createTempDb, testProvider, type TempDb } from "../helpers/temp-db";
import { resultWriter, type LiveState } from "@/monitors/store/result-writer";
import { INITIAL_STATE } from "@/monitors/evaluate/hysteresis";
import type { Observed } from "@/monitors/core/status";
import { applyRetention } from "@/monitors/store/retention";
import { uptimeForAll } from "@/monitors/queries/uptime";
import { resolveDatabaseTarget } from "@/monitors/store/database-url";

const MIN = 60_000;
const DAY = 86_400_000;

describe(`result writer on ${testProvider()}`, () => {
  let t: TempDb;
  let monitorId: number;
  const states = new Map<number, LiveState>();

  beforeAll(async () => {
    t = await createTempDb();
    const m = await t.db.monitor.create({
      data: { slug: "w", name: "W", kind: "tcp", config: {}, intervalSec: 60, timeoutMs: 1000, phaseMs: 0 },
    });
    monitorId = m.id;
    states.set(monitorId, { hysteresis: INITIAL_STATE, lastSlot: null, confirm: { down: 3, up: 2 } });
  });
  afterAll(async () => t.cleanup());

  const outcome = (slot: number, status: Observed, latency = 20) => ({
    monitorId,
    region: "default",
    slot,
    latenessMs: 1,
    result: {
      status,
      phases: { totalMs: latency },
      details: {},
      ...(status === "down" ? { errorClass: "connect" as const, error: "ECONNREFUSED" } : {}),
    },
  });

  it("corrects earlier slots in the database when an outage is confirmed in a later batch", async () => {
    const base = Date.now() - 30 * MIN - ((Date.now() - 30 * MIN) % MIN);
    const writer = resultWriter(t.db, states);
    const seq: Observed[] = ["up", "down", "down", "down", "up", "up"];
    for (let i = 0; i < seq.length; i++) {
      writer.push(outcome(base + i * MIN, seq[i]));
      await writer.flush(); // one batch per result: corrections must reach rows already committed
    }
    const rows = await t.db.checkResult.findMany({ where: { monitorId }, orderBy: { slot: "asc" } });
    expect(rows.map((r) => r.effective)).toEqual(["up", "down", "down", "down", "up", "up"]);
    const sum = await t.db.rollup.aggregate({ where: { monitorId, resolution: "minute" }, _sum: { up: true, down: true } });
    expect([sum._sum.up, sum._sum.down]).toEqual([3, 3]);
    // a duplicate slot (say, a second agent or a replay) is skipped, not written twice
    writer.push(outcome(base, "up"));
    await writer.flush();
    expect(await t.db.checkResult.count({ where: { monitorId } })).toBe(6);
    expect(writer.counts.skippedDuplicates).toBe(1);
  });

  it("maintenance slots are stored as maintenance and left out of uptime", async () => {
    const start = Date.now() - 20 * MIN;
    const w = await t.db.maintenance.create({
      data: { title: "upgrade", startsAt: new Date(start), endsAt: new Date(start + 10 * MIN), monitors: { create: [{ monitorId }] } },
    });
    const writer = resultWriter(t.db, states, {
      isUnderMaintenance: (id, slot) => id === monitorId && slot >= start && slot < start + 10 * MIN,
    });
    const before = (await uptimeForAll(t.db)).get(monitorId)!["24h"];
    for (let i = 0; i < 5; i++) writer.push(outcome(start + i * MIN, "down"));
    await writer.flush();
    const after = (await uptimeForAll(t.db)).get(monitorId)!["24h"];
    expect(after.maintenance).toBe(before.maintenance + 5);
    expect(after.ratio).toBe(before.ratio);
    expect((await t.db.monitorState.findUniqueOrThrow({ where: { monitorId } })).status).toBe("up");
    await t.db.maintenanceMonitor.deleteMany({ where: { maintenanceId: w.id } });
  });

  // SQLite's single write lock; PostgreSQL locks rows.
  it.skipIf(testProvider() === "postgresql")("waits out a competing writer's lock and loses nothing", async () => {
    const target = resolveDatabaseTarget(t.url);
    const other = new Database((target as { filePath: string }).filePath);
    other.exec("BEGIN IMMEDIATE");
    other.prepare(`UPDATE "Setting" SET "key" = "key"`).run();
    const writer = resultWriter(t.db, states);
    const start = Date.now() - 5 * MIN;
    const before = await t.db.checkResult.count({ where: { monitorId } });
    writer.push(outcome(start, "up"));
    writer.push(outcome(start + MIN, "up"));
    const flushing = writer.drain(20_000);
    await new Promise((r) => setTimeout(r, 1500));
    other.exec("COMMIT");
    other.close();
    await flushing;
    expect(await t.db.checkResult.count({ where: { monitorId } })).toBe(before + 2);
  });

  it("retention drops old raw results and fine rollups, and the year's uptime stays the same", async () => {
    const writer = resultWriter(t.db, states);
    const old = Date.now() - 100 * DAY;
    for (let i = 0; i < 5; i++) writer.push(outcome(old + i * MIN, i === 2 ? "degraded" : "up"));
    // the writer refuses slots older than the last one, so write the old ones through a fresh state
    states.set(monitorId, { ...states.get(monitorId)!, lastSlot: null });
    await writer.flush();
    const before = (await uptimeForAll(t.db)).get(monitorId)!["1y"];
    const removed = await applyRetention(t.db);
    expect(removed.raw).toBe(5);
    expect(removed.minute).toBeGreaterThanOrEqual(5);
    expect(removed.hour).toBeGreaterThanOrEqual(1);
    expect(removed.day).toBe(0);
    const after = (await uptimeForAll(t.db)).get(monitorId)!["1y"];
    expect(after).toEqual(before);
  });
});
