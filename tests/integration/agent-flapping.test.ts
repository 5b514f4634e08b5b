import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, testProvider, type TempDb } from "../helpers/temp-db";
import { startHttp } from "../helpers/loopback";
import { startAgent, writeConfig } from "../helpers/agent-process";
import { uptimeForAll } from "@/monitors/queries/uptime";
import { getStatusPage } from "@/monitors/queries/status-page";

// Request n (1-based) answers per this script: up, a confirmed 3-slot outage, a lone blip.
const SCRIPT = ["up", "up", "up", "down", "down", "down", "up", "up", "down", "up", "up", "up"];

describe(`agent against a flapping target (real process, ${testProvider()})`, () => {
  let t: TempDb;
  let target: Awaited<ReturnType<typeof startHttp>>;
  let hits = 0;

  beforeAll(async () => {
    t = await createTempDb();
    target = await startHttp((_req, res) => {
      const step = SCRIPT[Math.min(hits, SCRIPT.length - 1)];
      hits++;
      res.writeHead(step === "up" ? 200 : 503);
      res.end(step);
    });
  });
  afterAll(async () => {
    await target.close();
    await t.cleanup();
  });

  it("produces the expected state changes, rollups and uptime", async () => {
    const config = writeConfig(t.dir, [
      { slug: "flappy", name: "Flappy", group: "Test", kind: "http", url: `${target.url}/`, interval: "1s", timeout: "500ms" },
    ]);
    const agent = startAgent(t.url, config);
    await agent.waitFor(/started in region default: 1 monitors/);
    const until = Date.now() + 25_000;
    while (hits < SCRIPT.length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);

    const monitor = await t.db.monitor.findUniqueOrThrow({ where: { slug: "flappy" } });
    const results = await t.db.checkResult.findMany({ where: { monitorId: monitor.id }, orderBy: { slot: "asc" } });
    const n = SCRIPT.length;
    expect(results.length).toBeGreaterThanOrEqual(n);
    const first = results.slice(0, n);
    expect(first.map((r) => r.status)).toEqual(SCRIPT);
    // The outage starts at its first failed slot; the lone blip at request 9 counts as up.
    expect(first.map((r) => r.effective)).toEqual(["up", "up", "up", "down", "down", "down", "up", "up", "up", "up", "up", "up"]);
    for (let i = 1; i < results.length; i++) expect(results[i].slot.getTime() - results[i - 1].slot.getTime()).toBe(1000);

    const changes = await t.db.stateChange.findMany({ where: { monitorId: monitor.id }, orderBy: { id: "asc" } });
    expect(changes.map((c) => [c.fromStatus, c.toStatus])).toEqual([
      ["unknown", "up"],
      ["up", "down"],
      ["down", "up"],
    ]);
    expect(changes[1].at.getTime()).toBe(first[3].slot.getTime());
    expect(changes[1].confirmedAt.getTime()).toBe(first[4].slot.getTime());
    expect(changes[2].at.getTime()).toBe(first[6].slot.getTime());

    // Rollups at every resolution sum to the raw results they summarise.
    const upCount = results.filter((r) => r.effective === "up").length;
    const downCount = results.filter((r) => r.effective === "down").length;
    for (const resolution of ["minute", "hour", "day", "month"]) {
      const sum = await t.db.rollup.aggregate({
        where: { monitorId: monitor.id, resolution },
        _sum: { up: true, down: true, degraded: true, latencyCount: true },
      });
      expect([sum._sum.up, sum._sum.down, sum._sum.degraded], resolution).toEqual([upCount, downCount, 0]);
      expect(sum._sum.latencyCount).toBe(results.filter((r) => r.status !== "down").length);
    }

    const uptime = await uptimeForAll(t.db);
    expect(uptime.get(monitor.id)!["24h"].ratio).toBeCloseTo(upCount / (upCount + downCount), 6);
    expect(uptime.get(monitor.id)!["1y"]).toMatchObject({ up: upCount, down: downCount });

    // Read as of just after the last check: later, with the agent stopped, the page rightly calls it stale.
    const page = await getStatusPage(t.db, Math.max(...results.map((r) => r.slot.getTime())) + 1000);
    expect(page.groups[0].monitors[0]).toMatchObject({ slug: "flappy", status: "operational" });
  }, 60_000);
});
