// "No secret from the environment appears in a page, a log line, an API answer or an error
// message." The agent and the web run with distinctive secrets in their environment: probe
// credentials referenced by name from the config, METRICS_TOKEN, APP_SECRET, an SMTP password,
// and channels whose webhook secret and URL paths are secrets. Every target fails, and the ones
// that answer echo the request back (headers, URL, credentials), so every error path runs. Then
// every public page, API, feed, badge and /metrics, every admin page, both processes' output and
// every stored row are searched for each secret.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import Database from "better-sqlite3";
import { stringify } from "yaml";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startHttp } from "../helpers/loopback";
import { freePort, startWeb } from "../helpers/web-process";
import { startAgent, type AgentProcess } from "../helpers/agent-process";
import { hashPassword } from "@/monitors/auth/password";
import { createSession, SESSION_COOKIE } from "@/monitors/auth/sessions";
import { STATUSPAGE_ENDPOINTS } from "@/monitors/api/statuspage-v2";

// Distinctive values: any of them, anywhere but where the operator put it, is a leak.
const SECRETS = {
  REGISTRY_TOKEN: "regtok-7Hq2ZpX9vL4mN8sK",
  HEALTH_API_KEY: "apikey-Qw3rTy8Uio0PasDf",
  REGISTRY_USER: "robot-user-Zx81Cv72",
  REGISTRY_PASSWORD: "regpass-Lm5Nb6Vc7Xz8Qa",
  METRICS_TOKEN: "metrics-tok-Jk4Hg5Fd6Sa7Lp",
  APP_SECRET: "app-secret-Po9Iu8Yt7Re6Wq5Ez",
  SMTP_PASSWORD: "S3cr3tSmtpPass",
  WEBHOOK_SECRET: "whsec-Gh7Jk8Lm9Nb0Vc1Xz2",
  WEBHOOK_PATH: "hookpath-Rf4Tg5Yh6Uj7Ik8",
  WEBHOOK_QUERY: "hookquery-Ty6Gh7Uj8Ik9Ol0",
  SLACK_PATH: "slacksecret-Aq1Sw2De3Fr4Gt5",
  DISCORD_PATH: "discordtoken-Zx9Cv8Bn7Mm6Kk",
} as const;
const SMTP_USER = "alerts";

// Credentials of a second registry that quotes them back in its error message: they do leak
// today (see the known-bug test at the end), so the other assertions leave them out.
const QUOTED = {
  QUOTING_REGISTRY_USER: "quoted-user-Vb3Nm4Kl5",
  QUOTING_REGISTRY_PASSWORD: "quoted-pass-Hj6Gf7Ds8Aq",
} as const;

type Needle = { name: string; value: string };
const b64 = (s: string) => Buffer.from(s).toString("base64").replace(/=+$/, "");

/** Each secret and the encodings it could travel in: as is, URL-encoded, base64, Basic auth, SMTP AUTH PLAIN. */
function needlesFor(secrets: Record<string, string>, extra: Needle[] = []): Needle[] {
  const out: Needle[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    out.push({ name, value });
    if (encodeURIComponent(value) !== value) out.push({ name: `${name} (URL-encoded)`, value: encodeURIComponent(value) });
    out.push({ name: `${name} (base64)`, value: b64(value) });
  }
  return [...out, ...extra];
}
const NEEDLES = needlesFor(SECRETS, [
  { name: "registry Basic credentials", value: b64(`${SECRETS.REGISTRY_USER}:${SECRETS.REGISTRY_PASSWORD}`) },
  { name: "SMTP AUTH PLAIN", value: b64(`\0${SMTP_USER}\0${SECRETS.SMTP_PASSWORD}`) },
]);
const QUOTED_NEEDLES = needlesFor(QUOTED, [
  { name: "quoting registry Basic credentials", value: b64(`${QUOTED.QUOTING_REGISTRY_USER}:${QUOTED.QUOTING_REGISTRY_PASSWORD}`) },
]);

/** The decoded Basic credentials of a request, as a careless registry might quote them. */
function echoedBasic(req: IncomingMessage): string {
  const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ""));
  return basic ? Buffer.from(basic[1], "base64").toString("utf8") : "";
}

/** The whole request, echoed: what a careless or hostile target sends back in an error. */
async function requestEcho(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.stringify({
    method: req.method,
    url: req.url,
    decodedUrl: decodeURIComponent(req.url ?? ""),
    headers: req.headers,
    basic: echoedBasic(req) || undefined,
    body: Buffer.concat(chunks).toString("utf8").slice(0, 2000),
  });
}

describe("secrets from the environment never leak", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let agent: AgentProcess;
  let echo: Awaited<ReturnType<typeof startHttp>>;
  let quoting: Awaited<ReturnType<typeof startHttp>>;
  let closedPort = 0;
  let session = "";
  const seen: Array<{ source: string; text: string }> = [];
  const echoed: string[] = [];

  const collect = (source: string, text: string) => seen.push({ source, text });

  async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const r = await fetch(`${web.url}${path}`, { headers, redirect: "manual" });
    const body = await r.text();
    collect(
      `GET ${path}${headers.authorization ? " (with the metrics token)" : ""}${headers.cookie ? " (admin)" : ""} → ${r.status}`,
      `${[...r.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${body}`,
    );
    return { status: r.status, body };
  }

  async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const r = await fetch(`${web.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-status-request": "1", origin: web.url, cookie: `${SESSION_COOKIE}=${session}` },
      body: JSON.stringify(body),
      redirect: "manual",
    });
    const text = await r.text();
    collect(`POST ${path} → ${r.status}`, `${[...r.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${text}`);
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: kept as text in `seen`
    }
    return { status: r.status, json };
  }

  beforeAll(async () => {
    t = await createTempDb();
    closedPort = await freePort();

    // Loopback targets for everything that answers: they refuse every request and echo it back.
    // A registry echoes the request (credentials decoded) in its OCI error's detail; the
    // quoting one also puts the credentials into the message, which the probe quotes.
    const target = (quoteCredentials: boolean) => (req: IncomingMessage, res: ServerResponse) => {
      void requestEcho(req).then((body) => {
        echoed.push(body);
        const url = req.url ?? "";
        if (url.startsWith("/v2/")) {
          const message = quoteCredentials
            ? `authentication required; got ${String(req.headers.authorization ?? "no credentials")} (${echoedBasic(req)})`
            : "authentication required";
          const e = { errors: [{ code: "UNAUTHORIZED", message, detail: JSON.parse(body) }] };
          res.writeHead(401, {
            "content-type": "application/json",
            "www-authenticate": 'Basic realm="echo-registry"',
            "docker-distribution-api-version": "registry/2.0",
          });
          return res.end(req.method === "HEAD" ? undefined : JSON.stringify(e));
        }
        if (url.startsWith("/hooks/")) {
          // A webhook receiver that fails (retryable) and quotes the request, path and query included.
          res.writeHead(500, { "content-type": "text/plain" });
          return res.end(`receiver error for ${body}`);
        }
        // Discord-style and the http monitor's health endpoint: 401 with the request echoed.
        res.writeHead(401, {
          "content-type": "application/json",
          "www-authenticate": `Bearer error="invalid_token", echo="${String(req.headers.authorization ?? "").replace(/"/g, "")}"`,
        });
        res.end(body);
      });
    };
    echo = await startHttp(target(false));
    quoting = await startHttp(target(true));

    const hash = await hashPassword("correct horse battery staple");
    const admin = await t.db.user.create({ data: { email: "admin@example.com", role: "admin", passwordHash: hash } });
    session = (await createSession(t.db, admin.id)).token;

    const env = {
      ...SECRETS,
      ...QUOTED,
      SMTP_URL: `smtp://${SMTP_USER}:${SECRETS.SMTP_PASSWORD}@127.0.0.1:${closedPort}`,
      SMTP_FROM: "Status <status@example.com>",
      PUBLIC_URL: "",
      TRUST_PROXY: "1",
    };
    web = await startWeb(t.url, env);

    // Channels through the real admin API, as an admin adds them.
    const channels = [
      {
        name: "ops webhook",
        kind: "webhook",
        url: `${echo.url}/hooks/${SECRETS.WEBHOOK_PATH}?token=${SECRETS.WEBHOOK_QUERY}`,
        secret: SECRETS.WEBHOOK_SECRET,
        onCall: true,
      },
      { name: "ops slack", kind: "slack", url: `http://127.0.0.1:${closedPort}/services/T0000/B0000/${SECRETS.SLACK_PATH}` },
      { name: "ops discord", kind: "discord", url: `${echo.url}/api/webhooks/123456/${SECRETS.DISCORD_PATH}` },
      { name: "ops email", kind: "email", to: "oncall@example.com" },
    ];
    for (const c of channels) {
      const r = await post("/admin/api/channel.create", c);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    }
    // A refused channel: the error names the field, never echoes the value.
    await post("/admin/api/channel.create", {
      name: "bad slack",
      kind: "slack",
      url: `ftp://x:${SECRETS.SLACK_PATH}@127.0.0.1/${SECRETS.SLACK_PATH}`,
    });
    await post("/admin/api/channel.create", {
      name: "ops slack",
      kind: "slack",
      url: `http://127.0.0.1:${closedPort}/services/T0000/B0000/${SECRETS.SLACK_PATH}`,
    });
    await post("/admin/api/channel.create", {
      name: "short secret",
      kind: "webhook",
      url: `${echo.url}/hooks/${SECRETS.WEBHOOK_PATH}`,
      secret: "short",
    });
    // A confirmed subscriber: the agent mails them over the dead SMTP server.
    await t.db.subscriber.create({
      data: { email: "reader@example.com", confirmedAt: new Date(), unsubscribeTokenHash: "unused-hash-for-this-test" },
    });

    const config = join(t.dir, "monitors.yaml");
    writeFileSync(
      config,
      stringify({
        monitors: [
          {
            slug: "registry-health",
            name: "Registry health",
            kind: "http",
            url: `${echo.url}/health`,
            show_target: true,
            interval: "1s",
            timeout: "800ms",
            headers: { Authorization: { env: "REGISTRY_TOKEN" }, "X-Api-Key": { env: "HEALTH_API_KEY" } },
          },
          {
            slug: "registry-pull",
            name: "Registry pull",
            kind: "registry",
            url: echo.url,
            show_target: true,
            interval: "1s",
            timeout: "800ms",
            check: "pull",
            pull: { repository: "library/alpine", reference: "latest", blob: "none" },
            credentials: { username: { env: "REGISTRY_USER" }, password: { env: "REGISTRY_PASSWORD" } },
          },
          {
            slug: "registry-quoting",
            name: "Quoting registry",
            kind: "registry",
            url: quoting.url,
            show_target: true,
            interval: "1s",
            timeout: "800ms",
            check: "pull",
            pull: { repository: "library/alpine", reference: "latest", blob: "none" },
            credentials: { username: { env: "QUOTING_REGISTRY_USER" }, password: { env: "QUOTING_REGISTRY_PASSWORD" } },
          },
          {
            slug: "internal-db",
            name: "Internal database",
            kind: "tcp",
            host: "127.0.0.1",
            port: closedPort,
            public: false,
            interval: "1s",
            timeout: "800ms",
          },
        ],
      }),
    );
    // The agent has no request to take its address from: links in messages use PUBLIC_URL.
    agent = startAgent(t.url, config, { ...env, PUBLIC_URL: web.url });
    await agent.waitFor(/started in region/, 30_000);

    // Let it run: checks fail, an incident opens, every delivery fails once.
    const until = Date.now() + 25_000;
    for (;;) {
      const rows = await t.db.outbox.findMany();
      const tried = rows.filter((r) => r.attempts > 0);
      if (rows.length >= 5 && tried.length === rows.length && Date.now() > until - 15_000) break;
      if (Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // Failed deliveries sent again from /admin: the retry path runs too.
    for (const row of await t.db.outbox.findMany({ where: { status: "failed" } })) {
      // Asked again on a 500: an admin command now and then loses the write lock to the agent
      // (the known bug pinned below); that is not what this file is about.
      let r = await post("/admin/api/outbox.retry", { id: row.id });
      for (let i = 0; i < 5 && r.status === 500; i++) {
        await new Promise((res) => setTimeout(res, 200));
        r = await post("/admin/api/outbox.retry", { id: row.id });
      }
      expect(r.status, `${JSON.stringify(r.json)}\n${web.output().slice(-3000)}`).toBe(200);
    }
    const retried = Date.now() + 5_000;
    while (Date.now() < retried && (await t.db.outbox.count({ where: { status: "pending", attempts: 0 } })) > 0)
      await new Promise((r) => setTimeout(r, 250));
    // Someone subscribes on the public page: the confirmation mail fails in the web process.
    await fetch(`${web.url}/api/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-status-request": "1", origin: web.url },
      body: JSON.stringify({ email: "new@example.com" }),
    }).then(async (r) => collect(`POST /api/subscribe → ${r.status}`, await r.text()));
  }, 300_000);

  afterAll(async () => {
    if (agent && agent.child.exitCode === null) {
      agent.child.kill("SIGTERM");
      await agent.exited;
    }
    await web?.stop();
    await echo?.close();
    await quoting?.close();
    await t?.cleanup();
  });

  it("the error paths really ran: probes failed with the targets' answers, an incident opened, every channel's delivery failed", async () => {
    const results = await t.db.checkResult.findMany({ where: { error: { not: null } }, select: { error: true, monitorId: true } });
    expect(results.length).toBeGreaterThan(3);
    const incident = await t.db.incident.findFirst({ where: { auto: true } });
    expect(incident).not.toBeNull();
    const rows = await t.db.outbox.findMany({ include: { channel: true } });
    const failed = [...new Set(rows.filter((r) => r.lastError).map((r) => r.channel?.name ?? r.target.split(":")[0]))].sort();
    expect(failed).toEqual(["ops discord", "ops email", "ops slack", "ops webhook", "subscriber"]);
    // The targets did receive the secrets (so an echo could carry them back).
    const all = echoed.join("\n");
    expect(all).toContain(SECRETS.REGISTRY_TOKEN);
    expect(all).toContain(SECRETS.WEBHOOK_PATH);
    expect(all).toContain(SECRETS.DISCORD_PATH);
    expect(all).toContain(SECRETS.REGISTRY_PASSWORD);
    expect(all).toContain(QUOTED.QUOTING_REGISTRY_PASSWORD);
    // Failed deliveries were retried from /admin.
    expect(await t.db.auditLog.count({ where: { action: "outbox.retry" } })).toBeGreaterThan(0);
  });

  it("public pages, APIs, feeds, badges and /metrics (with and without the token) hold no secret", async () => {
    const monitors = ["registry-health", "registry-pull", "registry-quoting", "internal-db"];
    const incidents = await t.db.incident.findMany({ select: { id: true } });
    const paths = [
      "/",
      "/history",
      "/history.atom",
      "/history.rss",
      "/metrics",
      ...STATUSPAGE_ENDPOINTS.map((e) => `/api/v2/${e}.json`),
      "/api/v2/nope.json",
      ...monitors.map((m) => `/monitors/${m}`),
      ...incidents.map((i) => `/incidents/${i.id}`),
      ...monitors.flatMap((m) =>
        ["status", "uptime", "response", "cert"].flatMap((k) => [`/badge/${m}/${k}.svg`, `/badge/${m}/${k}.json`]),
      ),
      "/badge/status.svg",
      "/badge/status.json",
      "/badge/registry-health/status.svg?window=bad",
      "/subscribe/result",
      "/monitors/nope",
      "/nope",
    ];
    for (const p of paths) await get(p);
    const withToken = await get("/metrics", { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` });
    // The token works (hidden monitors show) and is not printed.
    expect(withToken.body).toContain('monitor="internal-db"');
    const page = await get("/monitors/registry-health");
    // show_target: the public page shows the last error (so the error text is public and was checked).
    expect(page.body).toMatch(/HTTP 401/);
    // Ack and unsubscribe links from the queued messages (their tokens derive from APP_SECRET).
    for (const row of await t.db.outbox.findMany()) {
      const payload = row.payload as { ackUrl?: string; unsubscribeUrl?: string };
      for (const link of [payload.ackUrl, payload.unsubscribeUrl]) if (link) await get(new URL(link, web.url).pathname);
    }
    assertNoLeak(seen.filter((s) => !s.source.includes("(admin)") && s.source.startsWith("GET")));
  }, 60_000);

  it("admin pages show channel hosts, never URL paths, queries or secrets", async () => {
    const cookie = { cookie: `${SESSION_COOKIE}=${session}` };
    const incidents = await t.db.incident.findMany({ select: { id: true } });
    for (const p of [
      "/admin",
      "/admin/incidents/new",
      "/admin/maintenance",
      "/admin/channels",
      "/admin/users",
      "/admin/audit",
      ...incidents.map((i) => `/admin/incidents/${i.id}`),
    ]) {
      const r = await get(p, cookie);
      expect(r.status, p).toBe(200);
    }
    const channels = seen.find((s) => s.source.startsWith("GET /admin/channels"))!.text;
    expect(channels).toContain(new URL(echo.url).host);
    expect(channels).toContain(`127.0.0.1:${closedPort}`);
    // The dashboard lists the failing deliveries with their errors: shown, and clean.
    const dashboard = seen.find((s) => s.source.startsWith("GET /admin ") || s.source.startsWith("GET /admin (admin)"))!.text;
    expect(dashboard).toMatch(/HTTP 500 from 127\.0\.0\.1|HTTP 401 from 127\.0\.0\.1|ECONNREFUSED/);
    // A preview echoes what it is given, nothing more.
    await post("/admin/api/preview", { markdown: "env: $REGISTRY_TOKEN ${APP_SECRET} {{ process.env.SMTP_URL }}" });
    assertNoLeak(seen.filter((s) => s.source.includes("(admin)") || s.source.startsWith("POST")));
  }, 60_000);

  // A maintainer's action reads before it writes inside one transaction; if another connection
  // holds the write lock when it wants to write, SQLite answers busy at once. Nothing was saved,
  // so the action runs again, for up to BUSY_RETRY_BUDGET_MS (monitors/store/busy-retry.ts).
  it("an admin command succeeds while another connection briefly holds the write lock", async () => {
    const channel = await t.db.notificationChannel.findFirstOrThrow({ where: { name: "ops slack" } });
    const holder = new Database(t.url.replace(/^file:/, ""), { fileMustExist: true });
    try {
      holder.exec("BEGIN IMMEDIATE");
      const pending = post("/admin/api/channel.enable", { id: channel.id, enabled: "1" });
      // Long enough that the command surely reaches its write while the lock is held, and longer
      // than a fixed count of quick retries covers (the retries are bounded by time instead).
      await new Promise((r) => setTimeout(r, 2000));
      holder.exec("COMMIT");
      const r = await pending;
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    } finally {
      if (holder.inTransaction) holder.exec("ROLLBACK");
      holder.close();
    }
  });

  it("the agent's and the web's output hold no secret", () => {
    expect(agent.output()).toMatch(/outbox:|started in region/);
    assertNoLeak([
      { source: "agent stdout/stderr", text: agent.output() },
      { source: "web stdout/stderr", text: web.output() },
    ]);
  });

  /** Every row of every table but NotificationChannel, which holds the webhook secret and URLs by design. */
  function storedRows(): Array<{ source: string; text: string }> {
    const sqlite = new Database(t.url.replace(/^file:/, ""), { readonly: true, fileMustExist: true });
    try {
      const tables = (
        sqlite
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('_prisma_migrations', 'NotificationChannel')",
          )
          .all() as Array<{ name: string }>
      ).map((r) => r.name);
      expect(tables).toEqual(expect.arrayContaining(["Outbox", "CheckResult", "MonitorState", "AuditLog", "Monitor", "IncidentUpdate"]));
      const rows: Array<{ source: string; text: string }> = [];
      for (const table of tables) {
        for (const row of sqlite.prepare(`SELECT * FROM "${table}"`).all() as Array<Record<string, unknown>>) {
          rows.push({
            source: `${table} row ${JSON.stringify(row.id ?? row.key ?? row.tokenHash ?? "")}`,
            text: JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString("utf8") : v)),
          });
        }
      }
      return rows;
    } finally {
      sqlite.close();
    }
  }

  it("no stored row outside the channel settings holds a secret (errors, state, audit, payloads, incidents)", () => {
    const rows = storedRows();
    // The columns named in the promise, with something in them.
    expect(rows.filter((r) => /^(Outbox|CheckResult|MonitorState|AuditLog) /.test(r.source)).length).toBeGreaterThan(10);
    assertNoLeak(rows);
  });

  // A registry (or a proxy) that quotes the request's credentials back in its error text: every
  // form of the monitor's secrets is cut from probe errors before they are stored or logged.
  it("credentials a registry quotes back in its error message appear nowhere", () => {
    const everything = [
      ...seen,
      { source: "agent stdout/stderr", text: agent.output() },
      { source: "web stdout/stderr", text: web.output() },
      ...storedRows(),
    ];
    assertNoLeak(everything, QUOTED_NEEDLES);
  });
});

function assertNoLeak(sources: Array<{ source: string; text: string }>, needles: Needle[] = NEEDLES) {
  expect(sources.length).toBeGreaterThan(0);
  const leaks: string[] = [];
  for (const { source, text } of sources) {
    for (const n of needles) {
      const i = text.indexOf(n.value);
      if (i >= 0) leaks.push(`${n.name} in ${source}: …${text.slice(Math.max(0, i - 160), i + n.value.length + 80)}…`);
    }
  }
  expect(leaks, leaks.join("\n\n")).toEqual([]);
}
