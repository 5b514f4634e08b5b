// Heartbeat (push) monitors end to end: pings through the real web process (`npm run web`), judged by
// the real agent process, stored as ordinary slot results (SQLite).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { missing } from "../helpers/external-parts";
import { startAgent, writeConfig, type AgentProcess } from "../helpers/agent-process";
import { createSession, SESSION_COOKIE } from "@/monitors/auth/sessions";

const ENV_TOKEN = "env-token-for-the-gc-job-0123456789";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A POST whose body is sent in chunks, as a job piping its log would. */
function postChunks(url: string, chunks: Buffer[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "text/plain" } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe("heartbeat monitors through the web process and the agent", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let agent: AgentProcess;
  const tokens = new Map<string, string>();
  const ids = new Map<string, number>();

  const ping = async (slug: string, suffix = "", init?: RequestInit) => {
    const r = await fetch(`${web.url}/ping/${tokens.get(slug)}${suffix}`, init);
    return { status: r.status, text: await r.text(), headers: r.headers };
  };
  const results = (slug: string) => t.db.checkResult.findMany({ where: { monitorId: ids.get(slug) }, orderBy: { slot: "asc" } });
  const state = async (slug: string) => (await t.db.monitorState.findUnique({ where: { monitorId: ids.get(slug) } }))?.status;
  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`${what}: not reached within ${timeoutMs} ms; last: ${JSON.stringify(v)}\n${agent.output()}`);
      await sleep(200);
    }
  }

  beforeAll(async () => {
    t = await createTempDb("sqlite");
    const config = writeConfig(t.dir, [
      { slug: "hb-steady", name: "Steady job", kind: "heartbeat", every: "2s", grace: "1s" },
      { slug: "hb-stops", name: "Job that stops", kind: "heartbeat", every: "2s", grace: "1s" },
      { slug: "hb-fails", name: "Failing job", kind: "heartbeat", every: "1m", grace: "10s" },
      { slug: "hb-slow", name: "Slow job", kind: "heartbeat", every: "1m", grace: "30s", max_runtime: "2s" },
      { slug: "hb-env", name: "Env token job", kind: "heartbeat", every: "1m", token: { env: "GC_PING_TOKEN" } },
      { slug: "hb-flood", name: "Flooding job", kind: "heartbeat", every: "1m", public: true },
    ]);
    // The web never needs the token variable: it checks hashes the agent stored.
    [web] = await Promise.all([startWeb(t.url, { PING_RATE_LIMIT: "20" })]);
    agent = startAgent(t.url, config, { GC_PING_TOKEN: ENV_TOKEN });
    await agent.waitFor(/started in region/, 60_000);
    const rows = await t.db.heartbeatToken.findMany({ include: { monitor: { select: { slug: true } } } });
    for (const r of rows) {
      ids.set(r.monitor.slug, r.monitorId);
      if (r.generated) tokens.set(r.monitor.slug, r.generated);
    }
    tokens.set("hb-env", ENV_TOKEN);
    // Tokens are known to the web node within its 5 s lookup cache at most; none was asked for yet.
  }, 300_000);

  afterAll(async () => {
    agent?.child.kill("SIGTERM");
    await agent?.exited;
    await web?.stop();
    await t?.cleanup();
  });

  it("generates a token for each monitor without one and stores only the hash of one from the environment", async () => {
    expect([...tokens.keys()].sort()).toEqual(["hb-env", "hb-fails", "hb-flood", "hb-slow", "hb-steady", "hb-stops"]);
    for (const [slug, token] of tokens) if (slug !== "hb-env") expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const envRow = await t.db.heartbeatToken.findUnique({ where: { monitorId: ids.get("hb-env") } });
    expect(envRow?.generated).toBeNull();
    expect(envRow?.tokenHash).not.toContain(ENV_TOKEN);
    const r = await ping("hb-env");
    expect(r.status).toBe(200);
  });

  it("answers tiny, uncached answers; an unknown token is a bare 404", async () => {
    const ok = await ping("hb-fails");
    expect(ok).toMatchObject({ status: 200, text: "OK\n" });
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.headers.get("x-micro-cache")).toBeNull();
    for (const path of ["/ping/unknown-token-unknown-token", "/ping/unknown-token-unknown-token/fail", "/ping/x", "/ping/"]) {
      const r = await fetch(`${web.url}${path}`);
      expect(r.status, path).toBe(404);
      if (path !== "/ping/") expect(await r.text(), path).toBe("not found\n");
    }
    for (const bad of ["/start2", "/256", "/-1", "/fail/more"]) expect((await ping("hb-fails", bad)).status, bad).toBe(404);
    // Every GET was stored: none was answered from a cache.
    await ping("hb-fails");
    await ping("hb-fails");
    expect(await t.db.heartbeatPing.count({ where: { monitorId: ids.get("hb-fails") } })).toBe(3);
  });

  it("success pings on time keep a monitor up; before its first ping it has no data", async () => {
    expect(await results("hb-steady")).toHaveLength(0);
    for (let i = 0; i < 4; i++) {
      expect((await ping("hb-steady", "", { method: i % 2 ? "POST" : "GET" })).status).toBe(200);
      await sleep(1_000);
    }
    const rows = await until(
      "four up slots",
      () => results("hb-steady"),
      (r) => r.length >= 4,
    );
    expect(rows.map((r) => r.status)).toEqual(["up", "up", "up", "up"]);
    expect(await state("hb-steady")).toBe("up");
  });

  it("a missing ping is down, dated from the due time (last ping + every), once the grace has passed", async () => {
    expect((await ping("hb-stops")).status).toBe(200);
    const first = await t.db.heartbeatPing.findFirstOrThrow({ where: { monitorId: ids.get("hb-stops") } });
    const rows = await until(
      "a down slot",
      () => results("hb-stops"),
      (r) => r.some((x) => x.status === "down"),
    );
    const down = rows.find((x) => x.status === "down")!;
    expect(down.slot.getTime()).toBe(first.at.getTime() + 2_000);
    expect(down.error).toMatch(/no ping by/);
    // Judged after due + grace (1 s) + the settling time (2 s), not before.
    expect(Date.now()).toBeGreaterThan(first.at.getTime() + 3_000);
    expect(await state("hb-stops")).toBe("down");
    // It came back: the next success ends the outage.
    expect((await ping("hb-stops")).status).toBe(200);
    await until(
      "up again",
      () => state("hb-stops"),
      (s) => s === "up",
    );
  });

  it("/fail and a non-zero exit code are down at once; /0 is a success", async () => {
    await until(
      "up from its earlier pings",
      () => state("hb-fails"),
      (s) => s === "up",
    );
    const sent = Date.now();
    expect((await ping("hb-fails", "/fail", { method: "POST", body: "backup failed: disk full" })).status).toBe(200);
    await until(
      "down",
      () => state("hb-fails"),
      (s) => s === "down",
      5_000,
    );
    expect(Date.now() - sent).toBeLessThan(3_000);
    const failed = (await results("hb-fails")).at(-1)!;
    expect(failed.error).toBe("the job reported a failure (/fail)");
    expect(failed.details).toMatchObject({ heartbeat: { ping: "fail", message: "backup failed: disk full" } });
    expect((await ping("hb-fails", "/0")).status).toBe(200);
    await until(
      "up",
      () => state("hb-fails"),
      (s) => s === "up",
      5_000,
    );
    expect((await ping("hb-fails", "/3")).status).toBe(200);
    await until(
      "down",
      () => state("hb-fails"),
      (s) => s === "down",
      5_000,
    );
    expect((await results("hb-fails")).at(-1)!.error).toBe("the job reported exit code 3");
  });

  it("a run started and not finished within max_runtime is degraded; its duration is the result's total time", async () => {
    expect((await ping("hb-slow")).status).toBe(200);
    const start = Date.now();
    expect((await ping("hb-slow", "/start")).status).toBe(200);
    await until(
      "degraded",
      () => state("hb-slow"),
      (s) => s === "degraded",
      10_000,
    );
    const degraded = (await results("hb-slow")).at(-1)!;
    expect(degraded.status).toBe("degraded");
    expect(degraded.error).toMatch(/not finished within max_runtime \(2s\)/);
    expect(Date.now() - start).toBeGreaterThan(2_000);
    expect((await ping("hb-slow")).status).toBe(200);
    await until(
      "up",
      () => state("hb-slow"),
      (s) => s === "up",
      5_000,
    );
    const done = (await results("hb-slow")).at(-1)!;
    expect(done.totalMs).toBeGreaterThanOrEqual(2_000);
    expect(done.totalMs).toBeLessThan(15_000);
  });

  it("keeps at most 10 KB of a POST body, read chunk by chunk, and flags the cut", async () => {
    const chunk = Buffer.alloc(4096, "x");
    const r = await postChunks(`${web.url}/ping/${tokens.get("hb-fails")}/0`, [chunk, chunk, chunk, chunk]);
    expect(r).toMatchObject({ status: 200, text: "OK (body cut at 10240 bytes)\n" });
    const last = await t.db.heartbeatPing.findFirstOrThrow({ where: { monitorId: ids.get("hb-fails") }, orderBy: { id: "desc" } });
    expect(last.body).toHaveLength(10_240);
    expect(last.bodyTruncated).toBe(true);
    const small = await ping("hb-fails", "", { method: "POST", body: "all good" });
    expect(small.text).toBe("OK\n");
  });

  it("rate-limits a flood from one address per token, while other tokens still get through", async () => {
    const answers: number[] = [];
    for (let i = 0; i < 30; i++) answers.push((await ping("hb-flood")).status);
    expect(answers.filter((s) => s === 200)).toHaveLength(20);
    expect(answers.slice(20).every((s) => s === 429)).toBe(true);
    const limited = await ping("hb-flood");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // The same address, another token: not blocked.
    expect((await ping("hb-steady")).status).toBe(200);
    expect(await t.db.heartbeatPing.count({ where: { monitorId: ids.get("hb-flood") } })).toBe(20);
  });

  it("answers 429 to an address that guesses many unknown tokens, and still takes known ones from it", async () => {
    const answers: number[] = [];
    for (let i = 0; i < 35; i++) answers.push((await fetch(`${web.url}/ping/guessed-token-number-${String(i).padStart(4, "0")}`)).status);
    expect(answers.slice(0, 25).every((s) => s === 404)).toBe(true);
    expect(answers.slice(-3)).toEqual([429, 429, 429]);
    expect((await ping("hb-steady")).status).toBe(200);
  });

  it("shows generated ping URLs in /admin to admins only, names an environment token's variable, and shows the last message", async () => {
    const pageAs = async (role: string) => {
      const user = await t.db.user.create({ data: { email: `${role}@example.test`, role, passwordHash: "x" } });
      const { token } = await createSession(t.db, user.id);
      const r = await fetch(`${web.url}/admin`, { headers: { cookie: `${SESSION_COOKIE}=${token}` }, redirect: "manual" });
      expect(r.status, role).toBe(200);
      return r.text();
    };
    const admin = await pageAs("admin");
    expect(admin).toContain(`/ping/${tokens.get("hb-steady")}`);
    expect(admin).toContain("GC_PING_TOKEN");
    expect(admin).not.toContain(ENV_TOKEN);
    expect(admin).toContain("all good");
    const responder = await pageAs("responder");
    for (const s of tokens.values()) expect(responder.includes(s), "a responder sees a token").toBe(false);
    expect(responder).not.toContain("Heartbeat ping URLs");
  });

  it("never shows a token on public pages, the API, feeds, badges, metrics or in the logs", async () => {
    const paths = [
      "/",
      "/monitors/hb-steady",
      "/monitors/hb-flood",
      "/api/v2/summary.json",
      "/api/v2/components.json",
      "/api/v2/status.json",
      "/history",
      "/history.atom",
      "/history.rss",
      "/metrics",
      "/badge/hb-steady/status.svg",
      "/badge/status.json",
    ];
    const secrets = [...tokens.values()];
    for (const path of paths) {
      const r = await fetch(`${web.url}${path}`);
      const body = await r.text();
      expect(r.status, path).toBeLessThan(500);
      for (const s of secrets) expect(body.includes(s), `${path} holds a ping token`).toBe(false);
    }
    // The monitor page is there, and names the schedule, not the URL.
    expect(await (await fetch(`${web.url}/monitors/hb-steady`)).text()).toContain("Steady job");
    for (const s of secrets) {
      expect(agent.output().includes(s), "agent log").toBe(false);
      expect(web.output().includes(s), "web log").toBe(false);
    }
  });
});

describe.skipIf(missing("postgres"))("heartbeat monitors on PostgreSQL: two web nodes, agents in two regions", () => {
  let t: TempDb;
  const webs: Array<Awaited<ReturnType<typeof startWeb>>> = [];
  const agents: AgentProcess[] = [];
  let token = "";
  let failToken = "";
  let id = 0;
  let failId = 0;

  beforeAll(async () => {
    t = await createTempDb("postgresql");
    const config = writeConfig(t.dir, [
      { slug: "hb-pg", name: "Job on PostgreSQL", kind: "heartbeat", every: "2s", grace: "1s" },
      { slug: "hb-pg-fail", name: "Failing job on PostgreSQL", kind: "heartbeat", every: "1m" },
    ]);
    const leases = { LEASE_TTL_MS: "2000", LEASE_RENEW_MS: "500" };
    for (const region of ["eu-west", "us-east"]) {
      const a = startAgent(t.url, config, { ...leases, REGION: region });
      agents.push(a);
      await a.waitFor(/started in region/, 60_000);
    }
    webs.push(...(await Promise.all([startWeb(t.url), startWeb(t.url)])));
    const rows = await t.db.heartbeatToken.findMany({ include: { monitor: { select: { slug: true } } } });
    for (const r of rows) {
      if (r.monitor.slug === "hb-pg") [token, id] = [r.generated!, r.monitorId];
      else [failToken, failId] = [r.generated!, r.monitorId];
    }
  }, 300_000);

  afterAll(async () => {
    for (const a of agents) a.child.kill("SIGKILL");
    await Promise.all(agents.map((a) => a.exited));
    await Promise.all(webs.map((w) => w.stop()));
    await t?.cleanup();
  });

  const results = (monitorId: number) => t.db.checkResult.findMany({ where: { monitorId }, orderBy: { slot: "asc" } });
  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`${what}: not reached within ${timeoutMs} ms; last: ${JSON.stringify(v)}`);
      await sleep(250);
    }
  }

  it("takes pings on either web node, judges each once, and dates a missing one from its due time", async () => {
    for (let i = 0; i < 4; i++) {
      const r = await fetch(`${webs[i % 2].url}/ping/${token}`);
      expect(r.status).toBe(200);
      await sleep(1_000);
    }
    const pings = await t.db.heartbeatPing.findMany({ where: { monitorId: id }, orderBy: { at: "asc" } });
    expect(pings).toHaveLength(4);
    const rows = await until(
      "a down slot after the four up slots",
      () => results(id),
      (r) => r.some((x) => x.status === "down"),
    );
    const ups = rows.filter((r) => r.status === "up");
    expect(ups.map((r) => r.slot.getTime())).toEqual(pings.map((p) => p.at.getTime()));
    expect(new Set(rows.map((r) => r.region))).toEqual(new Set(["quorum"]));
    const down = rows.find((r) => r.status === "down")!;
    expect(down.slot.getTime()).toBe(pings[3].at.getTime() + 2_000);
    expect(await t.db.regionCheck.count({ where: { monitorId: id } })).toBe(0);
  });

  it("is down at once on /fail, and keeps being judged after one of the two agents is killed", async () => {
    expect((await fetch(`${webs[1].url}/ping/${failToken}`)).status).toBe(200);
    expect((await fetch(`${webs[0].url}/ping/${failToken}/fail`)).status).toBe(200);
    await until(
      "down",
      async () => (await t.db.monitorState.findUnique({ where: { monitorId: failId } }))?.status,
      (s) => s === "down",
      5_000,
    );
    agents[0].child.kill("SIGKILL");
    await agents[0].exited;
    expect((await fetch(`${webs[1].url}/ping/${failToken}/0`)).status).toBe(200);
    await until(
      "up again, judged by the agent left",
      async () => (await t.db.monitorState.findUnique({ where: { monitorId: failId } }))?.status,
      (s) => s === "up",
      8_000,
    );
    const rows = await results(failId);
    expect(rows.map((r) => r.status)).toEqual(["up", "down", "up"]);
  });
});
