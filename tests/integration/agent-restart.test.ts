import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startHttp } from "../helpers/loopback";
import { startAgent, writeConfig } from "../helpers/agent-process";

describe("agent restart", () => {
  let t: TempDb;
  let target: Awaited<ReturnType<typeof startHttp>>;

  beforeAll(async () => {
    t = await createTempDb();
    target = await startHttp((req, res) => {
      res.writeHead(req.url === "/down" ? 500 : 200);
      res.end();
    });
  });
  afterAll(async () => {
    await target.close();
    await t.cleanup();
  });

  async function assertConsistent() {
    const results = await t.db.checkResult.findMany({ orderBy: [{ monitorId: "asc" }, { slot: "asc" }] });
    const keys = results.map((r) => `${r.monitorId}|${r.region}|${r.slot.toISOString()}`);
    expect(new Set(keys).size, "no slot written twice").toBe(keys.length);
    for (const resolution of ["minute", "hour", "day", "month"]) {
      const sums = await t.db.rollup.groupBy({ by: ["monitorId"], where: { resolution }, _sum: { up: true, down: true } });
      for (const s of sums) {
        const mine = results.filter((r) => r.monitorId === s.monitorId);
        expect([s._sum.up, s._sum.down], `${resolution} rollups of monitor ${s.monitorId}`).toEqual([
          mine.filter((r) => r.effective === "up").length,
          mine.filter((r) => r.effective === "down").length,
        ]);
      }
    }
    return results;
  }

  it("after SIGKILL and after SIGTERM, restarts make no duplicate state change or slot", async () => {
    const config = writeConfig(t.dir, [
      { slug: "steady-up", name: "Up", kind: "http", url: `${target.url}/up`, interval: "1s", timeout: "500ms" },
      { slug: "steady-down", name: "Down", kind: "http", url: `${target.url}/down`, interval: "1s", timeout: "500ms" },
    ]);
    for (const signal of ["SIGKILL", "SIGTERM", "SIGKILL"] as const) {
      const agent = startAgent(t.url, config);
      await agent.waitFor(/started in region/);
      await new Promise((r) => setTimeout(r, 3300 + Math.random() * 400));
      agent.child.kill(signal);
      await agent.exited;
      await assertConsistent();
    }
    const agent = startAgent(t.url, config);
    await agent.waitFor(/started in region/);
    await new Promise((r) => setTimeout(r, 2500));
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);

    const results = await assertConsistent();
    expect(results.length).toBeGreaterThan(10);
    const changes = await t.db.stateChange.findMany({ include: { monitor: { select: { slug: true } } }, orderBy: { id: "asc" } });
    expect(changes.map((c) => `${c.monitor.slug}:${c.fromStatus}->${c.toStatus}`).sort()).toEqual([
      "steady-down:unknown->down",
      "steady-up:unknown->up",
    ]);
    const states = await t.db.monitorState.findMany({ include: { monitor: { select: { slug: true } } } });
    expect(Object.fromEntries(states.map((s) => [s.monitor.slug, s.status]))).toEqual({ "steady-up": "up", "steady-down": "down" });
  }, 90_000);

  it("SIGTERM lets a running check finish and writes its result before exiting", async () => {
    let slowHits = 0;
    const slow = await startHttp((_req, res) => {
      slowHits++;
      setTimeout(() => res.end("ok"), 1500);
    });
    const config = writeConfig(
      t.dir,
      [{ slug: "slow-one", name: "Slow", kind: "http", url: `${slow.url}/`, interval: "3s", timeout: "2500ms" }],
      "slow.yaml",
    );
    const agent = startAgent(t.url, config);
    await agent.waitFor(/started in region/);
    while (slowHits === 0) await new Promise((r) => setTimeout(r, 20));
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    await slow.close();
    const m = await t.db.monitor.findUniqueOrThrow({ where: { slug: "slow-one" } });
    const rows = await t.db.checkResult.findMany({ where: { monitorId: m.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe("up");
    expect(rows[0].totalMs).toBeGreaterThanOrEqual(1400);
  }, 30_000);
});
