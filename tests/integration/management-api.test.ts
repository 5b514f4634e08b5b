import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { hashPassword } from "@/monitors/auth/password";
import { adminCommand } from "@/monitors/admin/command-registry";
import { handleManagementApi } from "@/monitors/management-api/handle-request";
import { API_ROUTES } from "@/monitors/management-api/routes";
import { AuditEntryView, ErrorView, IncidentView, MaintenanceView, MonitorView, SubscriberView } from "@/monitors/management-api/views";
import type { ApiScope } from "@/monitors/auth/api-scopes";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BASE = "http://127.0.0.1:3999/api/admin/v1";

interface Answer {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
}

/**
 * The management API in this process (the Next.js route only hands requests to this function),
 * against a real migrated database. Every bad input of issue 17 is one request here.
 */
describe("management API /api/admin/v1", () => {
  let t: TempDb;
  let adminId: number;
  const secrets: Record<string, string> = {};
  const env: Record<string, string | undefined> = { API_RATE_LIMIT: "1000" };
  const logged: string[] = [];

  async function call(
    method: string,
    path: string,
    opts: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    const req = new Request(`${BASE}${path}`, { method, headers, body });
    const res = await handleManagementApi(method, path.split("?")[0], req, t.db, env);
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
  }

  async function makeToken(name: string, scopes: ApiScope[], expiresInDays?: number): Promise<string> {
    const cmd = adminCommand("token.create")!;
    const input = cmd.input.parse({ name, scopes, expiresInDays });
    const out = await cmd.run({ db: t.db, actor: { id: adminId, email: "admin@example.com", role: "admin" }, now: new Date(), env }, input);
    const secret = (out.data as { token: string }).token;
    secrets[name] = secret;
    return secret;
  }

  const all: ApiScope[] = ["incidents:write", "maintenance:write", "monitors:read", "subscribers:read", "audit:read"];

  beforeAll(async () => {
    // Everything the process prints while the file runs, to look for secrets in it at the end.
    for (const m of ["log", "error", "warn", "info"] as const) {
      const orig = console[m].bind(console);
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
        orig(...args);
      });
    }
    t = await createTempDb();
    adminId = (
      await t.db.user.create({
        data: { email: "admin@example.com", role: "admin", passwordHash: await hashPassword("a long enough password") },
      })
    ).id;
    const monitor = (slug: string, name: string, sortOrder: number) =>
      t.db.monitor.create({ data: { slug, name, kind: "http", config: {}, intervalSec: 60, timeoutMs: 5000, phaseMs: 0, sortOrder } });
    const api = await monitor("registry-api", "Registry API", 1);
    await monitor("web-app", "Web app", 2);
    await t.db.monitorState.create({
      data: {
        monitorId: api.id,
        status: "down",
        since: new Date("2026-12-04T10:00:00Z"),
        lastSlot: new Date("2026-12-04T10:05:00Z"),
        lastStatus: "down",
        lastLatencyMs: 12.5,
        lastError: "HTTP 503",
      },
    });
    await t.db.subscriber.create({
      data: { email: "reader@example.com", monitors: ["registry-api"], confirmedAt: new Date(), unsubscribeTokenHash: "x".repeat(64) },
    });
    await t.db.notificationChannel.create({ data: { name: "ops hook", kind: "webhook", config: { url: "http://127.0.0.1:9/hook" } } });
    await makeToken("full", all);
    await makeToken("reader", ["monitors:read"]);
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.cleanup();
  });

  it("stores only a hash of each secret, shows it once, and audits the creation", async () => {
    expect(secrets.full).toMatch(/^ors_[A-Za-z0-9_-]{43}$/);
    const rows = await t.db.apiToken.findMany();
    const dump = JSON.stringify(rows) + JSON.stringify(await t.db.auditLog.findMany());
    const file = t.url.startsWith("file:") ? t.url.slice(5) : null;
    const bytes = file
      ? [file, `${file}-wal`]
          .filter(existsSync)
          .map((f) => readFileSync(f).toString("latin1"))
          .join("")
      : "";
    for (const s of Object.values(secrets)) {
      expect(dump).not.toContain(s);
      if (file) expect(bytes).not.toContain(s);
    }
    const audit = await t.db.auditLog.findMany({ where: { action: "token.create" } });
    expect(audit.map((a) => (a.details as { name: string }).name).sort()).toEqual(["full", "reader"]);
    expect(audit.every((a) => a.userId === adminId)).toBe(true);
  });

  it("answers 401 to a missing, malformed, unknown, expired or revoked token, without echoing it", async () => {
    const expired = await makeToken("expired", all, 1);
    await t.db.apiToken.update({ where: { name: "expired" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revoked = await makeToken("revoked", all);
    const revokedId = (await t.db.apiToken.findUniqueOrThrow({ where: { name: "revoked" } })).id;
    await adminCommand("token.revoke")!.run(
      { db: t.db, actor: { id: adminId, email: "admin@example.com", role: "admin" }, now: new Date(), env },
      { id: revokedId },
    );
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ["missing", {}, /^missing token/],
      ["malformed", { authorization: "Basic dXNlcjpwYXNz" }, /must be Bearer/],
      ["unknown", { authorization: `Bearer ors_${"A".repeat(43)}` }, /^unknown token$/],
      ["not a token at all", { authorization: "Bearer x" }, /^unknown token$/],
      ["expired", { authorization: `Bearer ${expired}` }, /^token "expired" expired at /],
      ["revoked", { authorization: `Bearer ${revoked}` }, /^token "revoked" was revoked$/],
    ];
    for (const [what, headers, message] of cases) {
      const r = await call("GET", "/monitors", { headers });
      expect(r.status, what).toBe(401);
      expect(r.headers.get("www-authenticate"), what).toMatch(/^Bearer /);
      expect(ErrorView.parse(r.json).error, what).toMatch(message);
      expect(JSON.stringify(r.json)).not.toContain(headers.authorization?.slice(7) || "\u0000");
    }
  });

  it("answers 403 naming the scope a token lacks", async () => {
    const r = await call("POST", "/incidents", {
      token: secrets.reader,
      body: { title: "x", status: "investigating", impact: "minor", body: "y" },
    });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ error: "this token lacks the scope incidents:write", requiredScope: "incidents:write" });
    for (const [path, scope] of [
      ["/subscribers", "subscribers:read"],
      ["/audit", "audit:read"],
      ["/maintenance", "maintenance:write"],
      ["/incidents", "incidents:write"],
    ]) {
      const g = await call("GET", path, { token: secrets.reader });
      expect(g.status, path).toBe(403);
      expect(g.json.error).toBe(`this token lacks the scope ${scope}`);
    }
    expect(await t.db.incident.count()).toBe(0);
  });

  it("answers 400 with one path per problem for invalid JSON, fields, path and query", async () => {
    const bad = await call("POST", "/incidents", { token: secrets.full, raw: '{"title": "unterminated' });
    expect(bad.status).toBe(400);
    expect(bad.json.problems).toEqual([{ in: "body", path: "", message: expect.stringMatching(/^not valid JSON/) }]);

    const fields = await call("POST", "/incidents", {
      token: secrets.full,
      body: { title: "", status: "exploded", impact: 3, monitors: { "registry-api": "huge" }, tilte: "typo" },
    });
    expect(fields.status).toBe(400);
    const problems = ErrorView.parse(fields.json).problems!;
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(byPath).toMatchObject({
      title: "a title is needed",
      status: expect.stringMatching(/^pick one of investigating/),
      impact: expect.stringMatching(/^pick one of none/),
      "monitors.registry-api": expect.stringMatching(/^pick one of none/),
      body: "write something",
    });
    expect(problems.find((p) => p.message.includes("tilte"))).toBeTruthy();
    expect(problems.every((p) => p.in === "body")).toBe(true);

    const array = await call("POST", "/incidents", { token: secrets.full, body: [1, 2] });
    expect(array.status).toBe(400);

    const path = await call("GET", "/incidents/abc", { token: secrets.full });
    expect(path.status).toBe(400);
    expect(path.json.problems).toEqual([{ in: "path", path: "id", message: "an incident id" }]);

    const query = await call("GET", "/incidents?state=closed&limit=1000", { token: secrets.full });
    expect(query.status).toBe(400);
    expect((query.json.problems as Array<{ path: string }>).map((p) => p.path).sort()).toEqual(["limit", "state"]);

    const unknownMonitor = await call("POST", "/incidents", {
      token: secrets.full,
      body: { title: "x", status: "investigating", impact: "minor", body: "y", monitors: { "no-such-monitor": "major" } },
    });
    expect(unknownMonitor.status).toBe(400);
    expect(unknownMonitor.json.problems).toEqual([{ in: "body", path: "monitors", message: "unknown monitor: no-such-monitor" }]);

    const noBody = await call("POST", "/incidents/1/acknowledge", { token: secrets.full, body: { surprise: true } });
    expect(noBody.status).toBe(400);
    expect(noBody.json.problems).toEqual([{ in: "body", path: "", message: "this endpoint takes no body (send none or {})" }]);
    expect(await t.db.incident.count()).toBe(0);
  });

  it("answers 413 to a body over 64 KB, declared or streamed", async () => {
    const big = JSON.stringify({ title: "x", status: "investigating", impact: "minor", body: "y".repeat(70_000) });
    const declared = await call("POST", "/incidents", { token: secrets.full, raw: big });
    expect(declared.status).toBe(413);
    expect(declared.json.error).toBe("request body too large: at most 64 KB");
    // Chunked, without a Content-Length: cut at the limit while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode("x".repeat(8192)));
        c.close();
      },
    });
    const req = new Request(`${BASE}/incidents`, {
      method: "POST",
      headers: { authorization: `Bearer ${secrets.full}` },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const res = await handleManagementApi("POST", "/incidents", req, t.db, env);
    expect(res.status).toBe(413);
    expect(await t.db.incident.count()).toBe(0);
  });

  it("rate-limits each token on its own (429 with Retry-After)", async () => {
    const a = await makeToken("limited-a", ["monitors:read"]);
    const b = await makeToken("limited-b", ["monitors:read"]);
    const saved = env.API_RATE_LIMIT;
    env.API_RATE_LIMIT = "3";
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call("GET", "/monitors", { token: a })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await call("GET", "/monitors", { token: a });
      expect(limited.json.error).toMatch(/^rate limit: at most 3 requests a minute per token; try again in \d+ s$/);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await call("GET", "/monitors", { token: b })).status).toBe(200);
    } finally {
      env.API_RATE_LIMIT = saved;
    }
  });

  it("reads monitors with their state, and records the token's last use", async () => {
    const r = await call("GET", "/monitors", { token: secrets.reader });
    expect(r.status).toBe(200);
    const monitors = z.object({ monitors: z.array(MonitorView) }).parse(r.json).monitors;
    expect(monitors.map((m) => m.slug)).toEqual(["registry-api", "web-app"]);
    expect(monitors[0].state).toEqual({
      status: "down",
      since: "2026-12-04T10:00:00.000Z",
      lastCheckedAt: "2026-12-04T10:05:00.000Z",
      lastStatus: "down",
      lastLatencyMs: 12.5,
      lastError: "HTTP 503",
    });
    expect(monitors[1].state).toBeNull();
    const one = await call("GET", "/monitors/web-app", { token: secrets.reader });
    expect(MonitorView.parse(one.json).name).toBe("Web app");
    expect((await call("GET", "/monitors/nope", { token: secrets.reader })).status).toBe(404);
    const row = await t.db.apiToken.findUniqueOrThrow({ where: { name: "reader" } });
    expect(Date.now() - row.lastUsedAt!.getTime()).toBeLessThan(60_000);
  });

  it("runs an incident from opening to postmortem, each write audited under the token's name", async () => {
    const opened = await call("POST", "/incidents", {
      token: secrets.full,
      body: {
        title: "Pushes fail",
        status: "investigating",
        impact: "major",
        body: "Looking into it.",
        monitors: { "registry-api": "major" },
      },
    });
    expect(opened.status).toBe(201);
    const inc = IncidentView.parse(opened.json);
    expect(inc).toMatchObject({
      title: "Pushes fail",
      status: "investigating",
      impact: "major",
      automatic: false,
      monitors: [{ slug: "registry-api", impact: "major" }],
      updates: [{ body: "Looking into it." }],
    });
    // A token is nobody: its incident waits for an acknowledgement, and a second one is a conflict.
    expect(inc.acknowledgedAt).toBeNull();
    const ack = await call("POST", `/incidents/${inc.id}/acknowledge`, { token: secrets.full });
    expect(ack.status).toBe(200);
    const again = await call("POST", `/incidents/${inc.id}/acknowledge`, { token: secrets.full });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatch(/^already acknowledged at /);

    const upd = await call("POST", `/incidents/${inc.id}/updates`, {
      token: secrets.full,
      body: { status: "identified", body: "A bad deploy." },
    });
    expect(upd.status).toBe(200);
    expect(IncidentView.parse(upd.json).updates.map((u) => u.status)).toEqual(["identified", "investigating"]);
    const impact = await call("PUT", `/incidents/${inc.id}/impact`, {
      token: secrets.full,
      body: { impact: "minor", monitors: { "web-app": "minor" } },
    });
    expect(IncidentView.parse(impact.json).monitors.map((m) => m.slug)).toEqual(["web-app"]);
    const early = await call("PUT", `/incidents/${inc.id}/postmortem`, { token: secrets.full, body: { postmortem: "Too soon." } });
    expect(early.status).toBe(400);
    expect(early.json.problems).toEqual([
      { in: "body", path: "postmortem", message: "a postmortem can be added once the incident is resolved" },
    ]);
    const resolved = await call("POST", `/incidents/${inc.id}/updates`, {
      token: secrets.full,
      body: { status: "resolved", body: "Rolled back." },
    });
    expect(IncidentView.parse(resolved.json).resolvedAt).not.toBeNull();
    const pm = await call("PUT", `/incidents/${inc.id}/postmortem`, {
      token: secrets.full,
      body: { postmortem: "## What happened\nA deploy." },
    });
    expect(IncidentView.parse(pm.json).postmortem).toContain("What happened");
    expect(
      (await call("POST", `/incidents/${inc.id}/updates`, { token: secrets.full, body: { status: "monitoring", body: "again" } })).status,
    ).toBe(409);
    expect((await call("GET", "/incidents/99999", { token: secrets.full })).status).toBe(404);
    expect((await call("POST", "/incidents/99999/acknowledge", { token: secrets.full })).json).toEqual({
      error: "incident 99999 does not exist",
    });

    // An automatic incident is acknowledged through the API, named in the notification by the token.
    const auto = await t.db.incident.create({
      data: { title: "Registry API is down", status: "investigating", impact: "major", auto: true, startedAt: new Date() },
    });
    const acked = await call("POST", `/incidents/${auto.id}/acknowledge`, { token: secrets.full });
    expect(acked.status).toBe(200);
    expect(IncidentView.parse(acked.json).acknowledgedAt).not.toBeNull();
    const event = await t.db.outbox.findFirstOrThrow({ where: { eventKey: { contains: "acknowledged" } } });
    expect((event.payload as { incident: { acknowledgedBy: string } }).incident.acknowledgedBy).toBe("API token full");

    const list = z
      .object({ incidents: z.array(IncidentView) })
      .parse((await call("GET", "/incidents?state=all", { token: secrets.full })).json);
    expect(list.incidents.map((i) => i.id).sort()).toEqual([inc.id, auto.id].sort());

    const fullId = (await t.db.apiToken.findUniqueOrThrow({ where: { name: "full" } })).id;
    const rows = await t.db.auditLog.findMany({
      where: { target: { in: [`incident:${inc.id}`, `incident:${auto.id}`] } },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => r.action)).toEqual([
      "incident.create",
      "incident.acknowledge",
      "incident.update",
      "incident.impact",
      "incident.update",
      "incident.postmortem",
      "incident.acknowledge",
    ]);
    expect(rows.every((r) => r.apiTokenId === fullId && r.userId === null)).toBe(true);
    const audit = z.object({ entries: z.array(AuditEntryView) }).parse((await call("GET", "/audit?limit=3", { token: secrets.full })).json);
    expect(audit.entries).toHaveLength(3);
    expect(audit.entries[0]).toMatchObject({ action: "incident.acknowledge", by: "API token full" });
    const older = z
      .object({ entries: z.array(AuditEntryView) })
      .parse((await call("GET", `/audit?before=${audit.entries[2].id}&limit=500`, { token: secrets.full })).json);
    expect(older.entries.every((e) => e.id < audit.entries[2].id)).toBe(true);
  });

  it("schedules, extends and ends one-off and recurring maintenance", async () => {
    const start = new Date(Date.now() + 3_600_000);
    const once = await call("POST", "/maintenance", {
      token: secrets.full,
      body: {
        title: "DB upgrade",
        monitors: ["registry-api"],
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
      },
    });
    expect(once.status).toBe(201);
    const m = MaintenanceView.parse(once.json);
    expect(m).toMatchObject({ title: "DB upgrade", recurrence: null, monitors: ["registry-api"] });
    const ext = await call("POST", `/maintenance/${m.id}/extend`, { token: secrets.full, body: { minutes: 30 } });
    expect(new Date(MaintenanceView.parse(ext.json).endsAt).getTime() - start.getTime()).toBe(90 * 60_000);
    const ended = await call("POST", `/maintenance/${m.id}/end`, { token: secrets.full });
    expect(MaintenanceView.parse(ended.json).cancelledAt).not.toBeNull();

    const series = await call("POST", "/maintenance", {
      token: secrets.full,
      body: {
        title: "Weekly",
        monitors: ["web-app"],
        repeat: "recurring",
        recurrence: "0 3 * * 1",
        timeZone: "Europe/Berlin",
        durationMinutes: 60,
      },
    });
    expect(series.status).toBe(201);
    const s = MaintenanceView.parse(series.json);
    expect(s).toMatchObject({ recurrence: "0 3 * * 1", timeZone: "Europe/Berlin", durationMinutes: 60 });
    const listed = z
      .object({ maintenance: z.array(MaintenanceView) })
      .parse((await call("GET", "/maintenance", { token: secrets.full })).json).maintenance;
    expect(listed.filter((w) => w.seriesId === s.id).length).toBeGreaterThanOrEqual(2);

    const overlap = await call("POST", "/maintenance", {
      token: secrets.full,
      body: { title: "Bad", monitors: ["web-app"], repeat: "recurring", recurrence: "*/10 * * * *", durationMinutes: 60 },
    });
    expect(overlap.status).toBe(400);
    expect(overlap.json.problems).toEqual([
      { in: "body", path: "durationMinutes", message: "windows would overlap: occurrences are 10 minutes apart" },
    ]);
    const noEnd = await call("POST", "/maintenance", {
      token: secrets.full,
      body: { title: "x", monitors: ["web-app"], startsAt: start.toISOString() },
    });
    expect(noEnd.json.problems).toEqual([{ in: "body", path: "endsAt", message: "pick an end" }]);
  });

  it("silences a monitor's channel notifications for a while, and ends the silence", async () => {
    const silenced = await call("POST", "/monitors/web-app/silence", {
      token: secrets.full,
      body: { minutes: 30, reason: "known flapping" },
    });
    expect(silenced.status).toBe(200);
    const view = MonitorView.parse(silenced.json);
    expect(new Date(view.silencedUntil!).getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(view.silenceReason).toBe("known flapping");
    const before = await t.db.outbox.count({ where: { target: { startsWith: "channel:" } } });
    const quiet = IncidentView.parse(
      (
        await call("POST", "/incidents", {
          token: secrets.full,
          body: { title: "Web slow", status: "investigating", impact: "minor", body: "x", monitors: { "web-app": "minor" } },
        })
      ).json,
    );
    expect(await t.db.outbox.count({ where: { target: { startsWith: "channel:" } } })).toBe(before);
    // Subscribers and the page are not silenced: the incident exists and is public.
    expect(quiet.id).toBeGreaterThan(0);
    const ended = await call("DELETE", "/monitors/web-app/silence", { token: secrets.full });
    expect(MonitorView.parse(ended.json).silencedUntil).toBeNull();
    await call("POST", `/incidents/${quiet.id}/updates`, { token: secrets.full, body: { status: "resolved", body: "ok" } });
    expect(await t.db.outbox.count({ where: { target: { startsWith: "channel:" } } })).toBe(before + 1);
    expect((await call("DELETE", "/monitors/web-app/silence", { token: secrets.full })).status).toBe(409);
    expect((await call("POST", "/monitors/web-app/silence", { token: secrets.full, body: { minutes: 0 } })).json.problems).toEqual([
      { in: "body", path: "minutes", message: "at least 1 minute" },
    ]);
  });

  it("lists subscribers for subscribers:read", async () => {
    const r = await call("GET", "/subscribers", { token: secrets.full });
    const subs = z.object({ subscribers: z.array(SubscriberView) }).parse(r.json).subscribers;
    expect(subs).toEqual([
      { id: expect.any(Number), email: "reader@example.com", monitors: ["registry-api"], confirmed: true, createdAt: expect.any(String) },
    ]);
  });

  it("answers 404 for an unknown endpoint and 405 for a wrong method", async () => {
    const r = await call("GET", "/nothing-here", { token: secrets.full });
    expect(r.status).toBe(404);
    const w = await call("DELETE", "/incidents", { token: secrets.full });
    expect(w.status).toBe(405);
    expect(w.headers.get("allow")).toBe("GET, POST");
  });

  it("serves an OpenAPI 3.1 document that validates and lists every route", async () => {
    const r = await call("GET", "/openapi.json");
    expect(r.status).toBe(200);
    const doc = r.json as { openapi: string; paths: Record<string, Record<string, { security: Array<Record<string, string[]>> }>> };
    expect(doc.openapi).toBe("3.1.0");
    await SwaggerParser.validate(structuredClone(doc) as never);
    for (const route of API_ROUTES) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeTruthy();
      expect(op.security).toEqual([{ bearerToken: [route.scope] }]);
    }
    const create = doc.paths["/incidents"].post as unknown as {
      requestBody: { content: { "application/json": { schema: { required: string[]; additionalProperties: boolean } } } };
    };
    expect(create.requestBody.content["application/json"].schema).toMatchObject({
      required: ["title", "status", "impact", "body"],
      additionalProperties: false,
    });
  });

  it("creates, lists and revokes tokens from npm run admin through the same command", async () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "monitors/cli/admin.ts", ...args], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: t.url },
        encoding: "utf8",
        timeout: 60_000,
      });
    const made = run(["create-token", "--name", "ci-bot", "--scopes", "incidents:write,monitors:read", "--expires-days", "30"]);
    expect(made.stderr).toBe("");
    expect(made.status).toBe(0);
    const secret = /^token: (ors_\S+)$/m.exec(made.stdout)![1];
    secrets["ci-bot"] = secret;
    expect((await call("GET", "/monitors", { token: secret })).status).toBe(200);
    const audit = (await t.db.auditLog.findMany({ where: { action: "token.create" } })).find(
      (a) => (a.details as { name?: string }).name === "ci-bot",
    );
    expect(audit?.details).toMatchObject({ via: "cli", scopes: ["incidents:write", "monitors:read"] });

    const bad = run(["create-token", "--name", "x", "--scopes", "incidents:write,everything"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^admin: --scopes: each scope is one of incidents:write, /);

    const revoked = run(["revoke-token", "--name", "ci-bot"]);
    expect(revoked.stdout).toMatch(/^revoked token ci-bot \(id \d+\)$/m);
    expect((await call("GET", "/monitors", { token: secret })).status).toBe(401);
  }, 30_000);

  it("never wrote a token to the log", () => {
    expect(Object.keys(secrets).length).toBeGreaterThanOrEqual(5);
    const out = logged.join("\n");
    for (const s of Object.values(secrets)) expect(out).not.toContain(s);
  });
});
