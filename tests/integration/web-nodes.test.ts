// Two web processes on one PostgreSQL database, as behind a load balancer: sessions and login
// limits live in the database, and a change committed through one node is on the other's public
// pages, incident page and JSON within a second or so (LISTEN/NOTIFY), well inside the 10 s promise.
// Plus one SQLite node, which has no LISTEN/NOTIFY and drops its own caches after a change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { missing } from "../helpers/external-parts";
import { fetchUntil, startWeb } from "../helpers/web-process";
import { hashPassword } from "@/monitors/auth/password";
import { WRONG_CREDENTIALS } from "@/monitors/auth/login";
import { SESSION_COOKIE } from "@/monitors/auth/sessions";
import { CHANGE_CHANNEL } from "@/monitors/store/change-feed";
import { MicroCache } from "@/scripts/micro-cache.mjs";
import { postAdmin, type AdminPostResult } from "../helpers/admin-http";

const PASSWORD = "correct horse battery staple";
const ADMIN = "admin@example.com";
const LOCKED = /^This account is locked after repeated failures\. Try again in \d+ minutes?\.$/;
const FRESHNESS_PROMISE_MS = 10_000;

type Web = Awaited<ReturnType<typeof startWeb>>;

type PostResult = AdminPostResult;

let ipCounter = 0;
/** A fresh client address per login (the servers trust X-Forwarded-For here), so one test's attempts never count in another's. */
const freshIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

const post = (web: Web, name: string, body: unknown, opts: { session?: string; ip?: string } = {}) =>
  postAdmin(web.url, name, body, { session: opts.session, headers: { "x-forwarded-for": opts.ip ?? freshIp() } });

const login = (web: Web, email: string, password: string, ip?: string) => post(web, "login", { email, password }, { ip });

function tokenOf(r: PostResult): string {
  const c = r.headers.getSetCookie().find((x) => x.startsWith(`${SESSION_COOKIE}=`));
  if (!c) throw new Error(`no session cookie (status ${r.status}: ${JSON.stringify(r.json)})`);
  return c.slice(SESSION_COOKIE.length + 1).split(";")[0];
}

async function signIn(web: Web, email = ADMIN): Promise<string> {
  const r = await login(web, email, PASSWORD);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return tokenOf(r);
}

/** GET /admin with a session: 200 when it is valid, a redirect to the login page when not. */
async function adminPage(web: Web, session: string): Promise<{ status: number; location: string | null }> {
  const r = await fetch(`${web.url}/admin`, { redirect: "manual", headers: { cookie: `${SESSION_COOKIE}=${session}` } });
  await r.arrayBuffer();
  return { status: r.status, location: r.headers.get("location") };
}

async function createIncident(web: Web, session: string, title: string, body: string): Promise<number> {
  const r = await post(
    web,
    "incident.create",
    { title, status: "investigating", impact: "minor", body, startedAt: "", monitors: {} },
    { session },
  );
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  const id = Number(/\/admin\/incidents\/(\d+)$/.exec(String(r.json?.redirect))?.[1]);
  expect(id).toBeGreaterThan(0);
  return id;
}

/** Milliseconds from `since` until `url` (fetched as an anonymous visitor, every 100 ms) contains `text`. */
async function msUntilShown(url: string, text: string, since: number, timeoutMs = 20_000): Promise<number> {
  for (;;) {
    const r = await fetch(url);
    const body = await r.text();
    const elapsed = performance.now() - since;
    if (r.status === 200 && body.includes(text)) return elapsed;
    if (elapsed > timeoutMs)
      throw new Error(
        `${url} did not show ${JSON.stringify(text)} within ${timeoutMs} ms (status ${r.status}); last body:\n${body.slice(0, 1500)}`,
      );
    await new Promise((res) => setTimeout(res, 100));
  }
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;

describe.skipIf(missing("postgres"))("two web nodes on one PostgreSQL database", () => {
  let t: TempDb;
  let node1: Web;
  let node2: Web;
  let feed: pg.Client;
  const announced: string[] = [];

  beforeAll(async () => {
    t = await createTempDb("postgresql");
    const passwordHash = await hashPassword(PASSWORD);
    for (const email of [ADMIN, "locked@example.com", "spray-target@example.com"])
      await t.db.user.create({ data: { email, role: "admin", passwordHash } });
    // One after the other: each start runs the migrations (none left to apply) before Next.js.
    node1 = await startWeb(t.url, { TRUST_PROXY: "1", PUBLIC_URL: "" });
    node2 = await startWeb(t.url, { TRUST_PROXY: "1", PUBLIC_URL: "" });
    // What the nodes hear, heard by the test too.
    feed = new pg.Client({ connectionString: t.url });
    await feed.connect();
    feed.on("notification", (n) => announced.push(n.payload ?? ""));
    await feed.query(`LISTEN ${CHANGE_CHANNEL}`);
  }, 300_000);

  afterAll(async () => {
    await feed?.end().catch(() => {});
    await Promise.all([node1?.stop(), node2?.stop()]);
    await t?.cleanup();
  });

  it("both nodes serve and listen to the same database", async () => {
    expect(node1.url).not.toBe(node2.url);
    for (const node of [node1, node2]) expect((await fetch(`${node.url}/`)).status).toBe(200);
    // Each node holds a LISTEN connection of its own (opened right after it started listening for HTTP).
    const listeners = async () =>
      (
        await feed.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'status-web-change-feed'",
        )
      ).rows[0].n as number;
    const until = Date.now() + 5000;
    while ((await listeners()) < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await listeners()).toBe(2);
  });

  it("a session started on node 1 works on node 2 with the same cookie, and signing out on node 2 ends it on node 1", async () => {
    const session = await signIn(node1);
    expect(await adminPage(node1, session)).toEqual({ status: 200, location: null });
    expect(await adminPage(node2, session)).toEqual({ status: 200, location: null });
    // A write needs the session as much as a page does: node 2 accepts this one.
    const preview = await post(node2, "preview", { markdown: "**node 2**" }, { session });
    expect(preview.status).toBe(200);
    expect(preview.json?.html).toContain("<strong>node 2</strong>");

    const out = await post(node2, "logout", {}, { session });
    expect(out.status).toBe(200);
    for (const node of [node1, node2]) {
      const page = await adminPage(node, session);
      expect(page.status).toBeGreaterThanOrEqual(300);
      expect(page.status).toBeLessThan(400);
      expect(new URL(page.location!, node.url).pathname).toBe("/admin/login");
      expect((await post(node, "preview", { markdown: "x" }, { session })).status).toBe(401);
    }
  });

  it("locks an account after 5 failures counted on both nodes together", async () => {
    const email = "locked@example.com";
    // Alternating nodes, each attempt from a new address: only the per-account count can lock.
    const answers: PostResult[] = [];
    for (let i = 0; i < 5; i++) answers.push(await login(i % 2 === 0 ? node1 : node2, email, "wrong wrong wrong"));
    expect(answers.slice(0, 4).map((a) => [a.status, a.json])).toEqual(Array(4).fill([401, { errors: { form: WRONG_CREDENTIALS } }]));
    expect(answers[4].status).toBe(429);
    expect((answers[4].json?.errors as { form: string } | undefined)?.form).toMatch(LOCKED);
    // Locked on both nodes, even against the right password.
    for (const node of [node1, node2]) {
      const right = await login(node, email, PASSWORD);
      expect(right.status).toBe(429);
      expect((right.json?.errors as { form: string } | undefined)?.form).toMatch(LOCKED);
      expect(right.headers.getSetCookie()).toEqual([]);
    }
    expect((await t.db.user.findUniqueOrThrow({ where: { email } })).failedLogins).toBe(5);
  });

  it("refuses the 21st attempt from one address when 10 came through each node", async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      const r = await login(i < 10 ? node1 : node2, `spray${i}@example.com`, "guess guess guess", ip);
      expect(r.status, `attempt ${i + 1}`).toBe(401);
    }
    for (const node of [node1, node2]) {
      const refused = await login(node, "spray-target@example.com", PASSWORD, ip);
      expect(refused.status).toBe(429);
      expect(refused.json).toEqual({ errors: { form: "Too many attempts from this address. Try again in 15 minutes." } });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // Another address is not affected.
    expect((await login(node2, "spray-target@example.com", PASSWORD)).status).toBe(200);
  });

  it("an incident update posted on node 1 is on node 2's status page, incident page and JSON well within 10 s", async () => {
    const session = await signIn(node1);
    const title = `Registry pulls failing ${Date.now()}`;
    const createdAt = performance.now();
    const id = await createIncident(node1, session, title, "We are looking into it.");
    const created = await msUntilShown(`${node2.url}/`, title, createdAt);

    // Node 2 has the pages in its caches (ISR, micro-cache, JSON) before the update, and the
    // incident page is one of its hot pages (someone read it).
    await fetchUntil(`${node2.url}/incidents/${id}`, (b) => b.includes(title));
    await fetchUntil(`${node2.url}/api/v2/summary.json`, (b) => b.includes(title));
    // (after the second pass that follows every change, so nothing below is dropped by the creation)
    await new Promise((res) => setTimeout(res, 1500));
    let hit = false;
    for (let i = 0; i < 5 && !hit; i++) {
      for (const path of ["/", `/incidents/${id}`, "/api/v2/summary.json"]) await fetch(`${node2.url}${path}`).then((x) => x.arrayBuffer());
      const again = await fetch(`${node2.url}/`);
      // The home page is answered from the page cache (compressed bytes kept with their ETag), other public answers from the micro-cache.
      hit =
        (await again.text()).includes(title) &&
        (again.headers.get("x-page-cache") === "HIT" || again.headers.get("x-micro-cache") === "HIT");
    }
    expect(hit).toBe(true);

    const marker = `Fix rolled out to every region ${Math.random().toString(36).slice(2, 10)}`;
    const heardBefore = announced.length;
    const postedAt = performance.now();
    const r = await post(node1, "incident.update", { id, status: "identified", body: marker }, { session });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const committed = performance.now() - postedAt;
    const [home, incidentPage, summary, incidents] = await Promise.all([
      msUntilShown(`${node2.url}/`, marker, postedAt),
      msUntilShown(`${node2.url}/incidents/${id}`, marker, postedAt),
      msUntilShown(`${node2.url}/api/v2/summary.json`, marker, postedAt),
      msUntilShown(`${node2.url}/api/v2/incidents.json`, marker, postedAt),
    ]);
    console.log(
      `web-nodes: incident.create on node 1 -> node 2 home page ${fmt(created)}; incident.update (committed in ${fmt(committed)}) -> node 2 home ${fmt(home)}, ` +
        `incident page ${fmt(incidentPage)}, summary.json ${fmt(summary)}, incidents.json ${fmt(incidents)}`,
    );
    for (const ms of [created, home, incidentPage, summary, incidents]) expect(ms).toBeLessThan(FRESHNESS_PROMISE_MS);

    // It went through the database: announced once per command, and node 2 acted on it.
    expect(announced.slice(heardBefore)).toContain("incident.update");
    expect(node2.output()).toContain('change announced ("incident.update")');
    for (const node of [node1, node2]) expect(node.output()).not.toMatch(/dropping cached pages failed|internal .* failed/);
    // Node 2 renders the incident page with the update in its timeline (not only somewhere in the payload).
    const page = await (await fetch(`${node2.url}/incidents/${id}`)).text();
    expect(page).toMatch(/data-testid="incident-status">Identified</);
    const json = (await (await fetch(`${node2.url}/api/v2/summary.json`)).json()) as {
      incidents: Array<{ id: string; status: string; incident_updates: Array<{ body: string }> }>;
    };
    const inc = json.incidents.find((i) => i.id === String(id));
    expect(inc?.status).toBe("identified");
    expect(inc?.incident_updates[0].body).toBe(marker);
  });

  it("a node whose LISTEN connection is killed reconnects and hears the next change", async () => {
    const session = await signIn(node1);
    const id = await createIncident(node1, session, `Listener drill ${Date.now()}`, "Drill.");
    const killed = await feed.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'status-web-change-feed'",
    );
    expect(killed.rowCount).toBe(2);
    const until = Date.now() + 15_000;
    const listeners = async () =>
      (
        await feed.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'status-web-change-feed'",
        )
      ).rows[0].n as number;
    while (!((await listeners()) === 2 && node2.output().includes("listening again")) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    expect(node2.output()).toMatch(
      /change feed: connection lost \(terminating connection due to administrator command\); reconnecting in \d+ ms/,
    );
    expect(node2.output()).toContain("change feed: listening again");
    // What was missed while disconnected is treated as a change.
    expect(node2.output()).toContain('change announced ("(reconnected)")');

    await fetchUntil(`${node2.url}/incidents/${id}`, (b) => b.includes("Drill."));
    const marker = `After the reconnect ${Math.random().toString(36).slice(2, 10)}`;
    const postedAt = performance.now();
    expect((await post(node1, "incident.update", { id, status: "monitoring", body: marker }, { session })).status).toBe(200);
    const ms = await msUntilShown(`${node2.url}/incidents/${id}`, marker, postedAt);
    console.log(`web-nodes: after a reconnect, incident.update -> node 2 incident page ${fmt(ms)}`);
    expect(ms).toBeLessThan(FRESHNESS_PROMISE_MS);
  });

  it("the internal revalidation route does not exist for anyone but the node itself, and nothing of it is cached", async () => {
    const wrongToken = "A".repeat(43);
    const attempts: Array<[string, string, Record<string, string>]> = [
      ["GET", "/api/internal/revalidate", {}],
      ["HEAD", "/api/internal/revalidate", {}],
      ["OPTIONS", "/api/internal/revalidate", {}],
      ["POST", "/api/internal/revalidate", {}],
      ["POST", "/api/internal/revalidate", { "x-status-internal": wrongToken }],
      ["POST", "/api/internal/revalidate", { "x-status-internal": "" }],
      ["POST", "/API/Internal/revalidate", { "x-status-internal": wrongToken }],
      ["POST", "//api//internal/revalidate", {}],
      ["POST", "/api/%69nternal/revalidate", {}],
      ["POST", "/api/internal/revalidate/", {}],
      ["POST", "/api/internal/revalidate?x=1", {}],
      ["PUT", "/api/internal/revalidate", {}],
      ["DELETE", "/api/internal/revalidate", {}],
    ];
    for (const node of [node1, node2]) {
      for (const [method, path, headers] of attempts) {
        for (let i = 0; i < 2; i++) {
          const r = await fetch(`${node.url}${path}`, { method, headers, redirect: "manual" });
          await r.arrayBuffer();
          expect(r.status, `${method} ${path}`).toBe(404);
          expect(r.headers.get("x-micro-cache"), `${method} ${path}`).toBeNull();
          expect(r.headers.get("cache-control")).toBe("no-store");
        }
      }
    }
    // The token is not handed out anywhere public.
    for (const path of ["/", "/metrics", "/api/v2/summary.json"]) {
      const r = await fetch(`${node1.url}${path}`);
      const text = await r.text();
      expect(text).not.toMatch(/STATUS_INTERNAL_TOKEN/);
      expect([...r.headers.keys()]).not.toContain("x-status-internal");
    }
  });
});

describe("micro-cache clear()", () => {
  it("drops stored answers and never stores one that was being rendered when it ran", async () => {
    const cache = new MicroCache({ ttlMs: 60_000 });
    let renders = 0;
    let slow = false;
    const server = createServer((req, res) => {
      const key = cache.keyFor(req)!;
      if (cache.serve(key, req, res)) return;
      cache.capture(key, req, res);
      const n = ++renders;
      res.setHeader("content-type", "text/html");
      res.write("<p>");
      // A slow render: clear() runs while it is on its way.
      if (slow) setTimeout(() => res.end(`render ${n}</p>`), 300);
      else res.end(`render ${n}</p>`);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const get = async () => {
        const r = await fetch(`${base}/`);
        return { body: await r.text(), hit: r.headers.get("x-micro-cache") === "HIT" };
      };
      expect(await get()).toEqual({ body: "<p>render 1</p>", hit: false });
      expect(await get()).toEqual({ body: "<p>render 1</p>", hit: true });
      cache.clear();
      expect(await get()).toEqual({ body: "<p>render 2</p>", hit: false });
      // A render that straddles clear():
      cache.clear();
      slow = true;
      const straddling = get();
      await new Promise((r) => setTimeout(r, 100));
      cache.clear();
      expect(await straddling).toEqual({ body: "<p>render 3</p>", hit: false });
      slow = false;
      // Render 3 began before the last clear(), so it was not kept.
      expect(await get()).toEqual({ body: "<p>render 4</p>", hit: false });
      expect(await get()).toEqual({ body: "<p>render 4</p>", hit: true });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("one web node on SQLite (no LISTEN/NOTIFY)", () => {
  let t: TempDb;
  let web: Web;

  beforeAll(async () => {
    t = await createTempDb("sqlite");
    await t.db.user.create({ data: { email: ADMIN, role: "admin", passwordHash: await hashPassword(PASSWORD) } });
    web = await startWeb(t.url, { TRUST_PROXY: "1", PUBLIC_URL: "" });
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
    await t?.cleanup();
  });

  it("shows an incident update on its own cached pages within about a second", async () => {
    const session = await signIn(web);
    const title = `Mirror sync delayed ${Date.now()}`;
    const id = await createIncident(web, session, title, "Looking.");
    await fetchUntil(`${web.url}/`, (b) => b.includes(title));
    await fetchUntil(`${web.url}/incidents/${id}`, (b) => b.includes(title));
    await fetchUntil(`${web.url}/api/v2/summary.json`, (b) => b.includes(title));

    const marker = `Mirror caught up ${Math.random().toString(36).slice(2, 10)}`;
    const postedAt = performance.now();
    const r = await post(web, "incident.update", { id, status: "monitoring", body: marker }, { session });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const [home, incidentPage, summary] = await Promise.all([
      msUntilShown(`${web.url}/`, marker, postedAt),
      msUntilShown(`${web.url}/incidents/${id}`, marker, postedAt),
      msUntilShown(`${web.url}/api/v2/summary.json`, marker, postedAt),
    ]);
    console.log(
      `web-nodes (SQLite, one node): incident.update -> home ${fmt(home)}, incident page ${fmt(incidentPage)}, summary.json ${fmt(summary)}`,
    );
    for (const ms of [home, incidentPage, summary]) expect(ms).toBeLessThan(FRESHNESS_PROMISE_MS);
    // No database to listen to: the node has no change feed and says nothing about one.
    expect(web.output()).not.toContain("change feed");
    expect(web.output()).not.toContain("change announced");
  });
});
