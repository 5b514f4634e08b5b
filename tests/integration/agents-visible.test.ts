// Agents on PostgreSQL register heartbeats; /admin (agentsSeen) and /metrics show which are alive,
// in which region, how many monitors each holds and their lateness.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { missing } from "../helpers/external-parts";
import { startAgent, writeConfig, type AgentProcess } from "../helpers/agent-process";
import { startHttp } from "../helpers/loopback";
import { agentsSeen } from "@/monitors/queries/admin-views";
import { prometheusMetrics } from "@/monitors/api/prometheus-metrics";
import { AGENT_ALIVE_MS } from "@/monitors/queries/agent-liveness";

const LEASES = { LEASE_TTL_MS: "2000", LEASE_RENEW_MS: "500" };

/** The value of one metric line, by name and labels. */
function metric(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split("\n")
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe.skipIf(missing("postgres"))("agents' heartbeats in /admin and /metrics (PostgreSQL)", () => {
  let t: TempDb;
  let target: Awaited<ReturnType<typeof startHttp>>;
  const agents: AgentProcess[] = [];

  beforeAll(async () => {
    t = await createTempDb("postgresql");
    target = await startHttp((_req, res) => res.end("ok"));
    const config = writeConfig(
      t.dir,
      [1, 2, 3, 4].map((i) => ({ slug: `m${i}`, name: `M${i}`, kind: "http", url: `${target.url}/`, interval: "1s", timeout: "500ms" })),
    );
    for (const region of ["eu-west", "us-east"]) {
      const a = startAgent(t.url, config, { ...LEASES, REGION: region });
      agents.push(a);
      await a.waitFor(/started in region/, 30_000);
    }
  }, 90_000);

  afterAll(async () => {
    for (const a of agents) a.child.kill("SIGKILL");
    await Promise.all(agents.map((a) => a.exited));
    await target?.close();
    await t?.cleanup();
  });

  it("lists live agents with their region, monitors and lateness, and a dead one as silent", async () => {
    // Heartbeats carry the lateness of checks made since start: wait for a few checks per agent.
    const until = Date.now() + 20_000;
    let seen = await agentsSeen(t.db);
    while (Date.now() < until && !(seen.length === 2 && seen.every((a) => a.checks >= 4 && a.latenessP99Ms !== null && a.monitors === 4))) {
      await new Promise((r) => setTimeout(r, 300));
      seen = await agentsSeen(t.db);
    }
    expect(seen.map((a) => a.region).sort()).toEqual(["eu-west", "us-east"]);
    for (const a of seen) {
      expect(a.alive, a.region).toBe(true);
      expect(a.monitors, `${a.region} holds every monitor (one agent per region)`).toBe(4);
      expect(a.latenessP50Ms).not.toBeNull();
      expect(a.latenessP99Ms!).toBeGreaterThanOrEqual(a.latenessP50Ms!);
    }

    const text = await prometheusMetrics(t.db, { includeHidden: false });
    for (const a of seen) {
      expect(metric(text, "openregistry_agent_up", { agent: a.id, region: a.region })).toBe(1);
      expect(metric(text, "openregistry_agent_monitors", { agent: a.id, region: a.region })).toBe(4);
      expect(metric(text, "openregistry_agent_checks_total", { agent: a.id, region: a.region })).toBeGreaterThanOrEqual(4);
      // The agents keep beating (every 500 ms here): the value is a fresh one, not the one read above.
      const p99 = metric(text, "openregistry_agent_lateness_p99_seconds", { agent: a.id, region: a.region });
      const p50 = metric(text, "openregistry_agent_lateness_p50_seconds", { agent: a.id, region: a.region });
      expect(p99).toBeGreaterThanOrEqual(p50!);
      expect(p50).toBeGreaterThanOrEqual(0);
    }
    // Without promtool the run says so at its start (tests/global-setup.ts); CI (TEST_STRICT=1) has it.
    if (!missing("promtool"))
      execFileSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });

    // Kill the us-east agent; its last heartbeat ages past the liveness bound (moved back in time
    // here rather than waited for: 45 s).
    const dead = seen.find((a) => a.region === "us-east")!;
    agents[1].child.kill("SIGKILL");
    await agents[1].exited;
    await t.db.agent.update({ where: { id: dead.id }, data: { lastSeenAt: new Date(Date.now() - AGENT_ALIVE_MS - 1000) } });
    const after = await agentsSeen(t.db);
    expect(after.find((a) => a.id === dead.id)?.alive).toBe(false);
    expect(after.find((a) => a.region === "eu-west")?.alive).toBe(true);
    const text2 = await prometheusMetrics(t.db, { includeHidden: false });
    expect(metric(text2, "openregistry_agent_up", { agent: dead.id, region: "us-east" })).toBe(0);
  }, 60_000);
});
