// Security of the maintainers' area, end to end through the real web server: every command's
// session and permission checks, CSRF, login cookies and sessions, lockout, open redirects,
// page access by role, the incident lifecycle, and escaping of maintainer Markdown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { fetchUntil, startWeb } from "../helpers/web-process";
import { ADMIN_COMMANDS } from "@/monitors/admin/command-registry";
import { can } from "@/monitors/auth/permissions";
import { hashPassword } from "@/monitors/auth/password";
import { WRONG_CREDENTIALS } from "@/monitors/auth/login";
import { SESSION_COOKIE } from "@/monitors/auth/sessions";
import { postAdmin, type AdminPostOptions, type AdminPostResult } from "../helpers/admin-http";
import { tokenHash } from "@/monitors/auth/session-token";

const PASSWORD = "correct horse battery staple";
const ADMIN = "admin@example.com";
const RESPONDER = "responder@example.com";
const LOCKED = "lockme@example.com";

type PostResult = AdminPostResult;
type PostOptions = AdminPostOptions;

describe("maintainers' area security (real web server)", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  const ids: Record<string, number> = {};
  let adminSession = "";
  let responderSession = "";
  // Logins are rate-limited per client address; the server trusts X-Forwarded-For here
  // (TRUST_PROXY=1), so each login comes from its own address and the limit never interferes.
  let ipCounter = 0;
  const nextIp = () => `10.9.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

  const post = (name: string, body: unknown, opts: PostOptions = {}) => postAdmin(web.url, name, body, opts);

  function login(email: string, password: string, extra: Omit<PostOptions, "raw"> & { next?: string } = {}): Promise<PostResult> {
    const { next, ...opts } = extra;
    return post(
      "login",
      { email, password, ...(next !== undefined ? { next } : {}) },
      { ...opts, headers: { "x-forwarded-for": nextIp(), ...opts.headers } },
    );
  }

  function sessionSetCookie(r: PostResult): string | undefined {
    return r.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  }

  function tokenOf(r: PostResult): string {
    const c = sessionSetCookie(r);
    if (!c) throw new Error(`no session cookie (status ${r.status}: ${JSON.stringify(r.json)})`);
    return c.slice(SESSION_COOKIE.length + 1).split(";")[0];
  }

  async function signIn(email: string): Promise<string> {
    const r = await login(email, PASSWORD);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return tokenOf(r);
  }

  async function get(path: string, session?: string): Promise<Response> {
    return fetch(`${web.url}${path}`, { redirect: "manual", headers: session ? { cookie: `${SESSION_COOKIE}=${session}` } : {} });
  }

  const counts = async () => ({
    audit: await t.db.auditLog.count(),
    incidents: await t.db.incident.count(),
    updates: await t.db.incidentUpdate.count(),
    sessions: await t.db.session.count(),
  });

  const validIncident = (title: string, body = "We are looking into it.") => ({
    title,
    status: "investigating",
    impact: "minor",
    body,
    startedAt: "",
    monitors: {},
  });

  beforeAll(async () => {
    t = await createTempDb();
    const hash = await hashPassword(PASSWORD);
    for (const [email, role] of [
      [ADMIN, "admin"],
      [RESPONDER, "responder"],
      [LOCKED, "responder"],
    ] as const) {
      ids[email] = (await t.db.user.create({ data: { email, role, passwordHash: hash } })).id;
    }
    web = await startWeb(t.url, { TRUST_PROXY: "1", PUBLIC_URL: "" });
    adminSession = await signIn(ADMIN);
    responderSession = await signIn(RESPONDER);
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
    await t?.cleanup();
  });

  describe("1. every registered command checks session, role and input on the server", () => {
    const names = Object.keys(ADMIN_COMMANDS);

    it("covers the whole registry", () => {
      expect(names.length).toBeGreaterThan(10);
      // Both kinds exist, so both branches below are exercised.
      expect(names.some((n) => can("responder", ADMIN_COMMANDS[n].permission))).toBe(true);
      expect(names.some((n) => !can("responder", ADMIN_COMMANDS[n].permission))).toBe(true);
    });

    // Commands that take no input (starting two-factor set-up acts on the signed-in user only):
    // an empty body is their whole input, so the 400 part below does not apply to them.
    const takesNothing = names.filter((n) => ADMIN_COMMANDS[n].input.safeParse({}).success);
    it("the commands that take no input are the known ones, and still need a session", async () => {
      expect(takesNothing).toEqual(["account.2fa.begin"]);
      for (const name of takesNothing) expect((await post(name, {})).status).toBe(401);
    });

    it.each(names.filter((n) => !takesNothing.includes(n)))(
      "%s: no session 401, responder 403 iff admin-only, admin with an empty body 400 and nothing written",
      async (name) => {
        const before = await counts();

        const anonymous = await post(name, {});
        expect(anonymous.status).toBe(401);

        const asResponder = await post(name, {}, { session: responderSession });
        if (can("responder", ADMIN_COMMANDS[name].permission)) {
          expect([401, 403]).not.toContain(asResponder.status);
          expect(asResponder.status).toBe(400);
        } else {
          expect(asResponder.status).toBe(403);
          expect(asResponder.json?.error).toMatch(/responder/);
        }

        const asAdmin = await post(name, {}, { session: adminSession });
        expect(asAdmin.status).toBe(400);
        const errors = asAdmin.json?.errors as Record<string, unknown> | undefined;
        expect(errors).toBeTypeOf("object");
        expect(Object.keys(errors!).length).toBeGreaterThan(0);
        for (const message of Object.values(errors!)) expect(message).toEqual(expect.any(String));

        expect(await counts()).toEqual(before);
      },
    );

    it("an unknown command name is 404 for a signed-in admin, and a name from Object.prototype is not a command", async () => {
      expect((await post("no.such.command", {}, { session: adminSession })).status).toBe(404);
      expect((await post("toString", {}, { session: adminSession })).status).toBe(404);
      expect((await post("constructor", {}, { session: adminSession })).status).toBe(404);
    });
  });

  describe("2. forged cross-site requests are refused and change nothing", () => {
    it("refuses a foreign Origin, a missing custom header, and a cross-site fetch without Origin", async () => {
      const before = await counts();
      const body = validIncident("Forged incident");

      // (a) another site's script, with the victim's cookie and even the custom header
      const foreign = await post("incident.create", body, { session: adminSession, origin: "https://evil.example" });
      expect(foreign.status).toBe(403);
      expect(foreign.json?.error).toMatch(/cross-site/);

      // (b) what an HTML form can send: a same-site Origin, a form body, no custom header
      const form = await post("incident.create", undefined, {
        session: adminSession,
        csrfHeader: false,
        raw: new URLSearchParams({ title: "Forged incident", status: "investigating", impact: "minor", body: "x" }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(form.status).toBe(403);
      expect(form.json?.error).toMatch(/missing request header/);
      // the same with a JSON body
      expect((await post("incident.create", body, { session: adminSession, csrfHeader: false })).status).toBe(403);

      // (c) no Origin, and the browser says the request is cross-site
      const crossSite = await post("incident.create", body, {
        session: adminSession,
        origin: null,
        headers: { "sec-fetch-site": "cross-site" },
      });
      expect(crossSite.status).toBe(403);
      // same-site (a sibling subdomain) is not same-origin either, nor is a request that says nothing
      expect(
        (await post("incident.create", body, { session: adminSession, origin: null, headers: { "sec-fetch-site": "same-site" } })).status,
      ).toBe(403);
      expect((await post("incident.create", body, { session: adminSession, origin: null })).status).toBe(403);
      // an Origin that merely starts like this site
      expect((await post("incident.create", body, { session: adminSession, origin: `${web.url}.evil.example` })).status).toBe(403);
      expect((await post("incident.create", body, { session: adminSession, origin: "null" })).status).toBe(403);

      expect(await counts()).toEqual(before);
      expect(await t.db.incident.findFirst({ where: { title: "Forged incident" } })).toBeNull();
    });

    it("the same request from this site, with no Origin but sec-fetch-site: same-origin, is accepted (the checks are not simply closed)", async () => {
      const ok = await post("incident.create", validIncident("Same-origin without Origin"), {
        session: responderSession,
        origin: null,
        headers: { "sec-fetch-site": "same-origin" },
      });
      expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    });

    it("refuses a cross-site login (login CSRF) without starting a session", async () => {
      const sessions = await t.db.session.count();
      const r = await login(ADMIN, PASSWORD, { origin: "https://evil.example" });
      expect(r.status).toBe(403);
      expect(sessionSetCookie(r)).toBeUndefined();
      const noHeader = await login(ADMIN, PASSWORD, { csrfHeader: false });
      expect(noHeader.status).toBe(403);
      expect(sessionSetCookie(noHeader)).toBeUndefined();
      expect(await t.db.session.count()).toBe(sessions);
    });
  });

  describe("3. login answers, cookies and sessions", () => {
    it("gives the same status and error for an unknown email and a wrong password", async () => {
      const unknown = await login("nobody@example.com", PASSWORD);
      const wrong = await login(ADMIN, "not the password at all");
      expect(unknown.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect(unknown.json).toEqual(wrong.json);
      expect(unknown.json).toEqual({ errors: { form: WRONG_CREDENTIALS } });
      expect(sessionSetCookie(unknown)).toBeUndefined();
      expect(sessionSetCookie(wrong)).toBeUndefined();
    });

    it("sets an HttpOnly, SameSite=Lax, Path=/ cookie, Secure only behind https", async () => {
      const plain = await login(ADMIN, PASSWORD);
      expect(plain.status).toBe(200);
      const cookie = sessionSetCookie(plain)!;
      expect(cookie).toMatch(/;\s*HttpOnly(;|$)/i);
      expect(cookie).toMatch(/;\s*SameSite=Lax(;|$)/i);
      expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
      expect(cookie).not.toMatch(/;\s*Secure(;|$)/i);

      const https = await login(ADMIN, PASSWORD, { headers: { "x-forwarded-proto": "https" } });
      expect(https.status).toBe(200);
      const secure = sessionSetCookie(https)!;
      expect(secure).toMatch(/;\s*Secure(;|$)/i);
      expect(secure).toMatch(/;\s*HttpOnly(;|$)/i);
      expect(secure).toMatch(/;\s*SameSite=Lax(;|$)/i);
    });

    it("issues a new session id at every login and never adopts one planted before login (session fixation)", async () => {
      const planted = "planted-session-id-chosen-by-an-attacker-0123";
      const first = await login(ADMIN, PASSWORD, { session: planted });
      const second = await login(ADMIN, PASSWORD, { session: planted });
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      const a = tokenOf(first);
      const b = tokenOf(second);
      expect(a).not.toBe(b);
      expect(a).not.toBe(planted);
      expect(b).not.toBe(planted);
      expect(a.length).toBeGreaterThanOrEqual(40);
      // The planted value is not a session, before or after the login.
      expect((await post("incident.create", validIncident("Planted"), { session: planted })).status).toBe(401);
      expect(await t.db.session.findUnique({ where: { tokenHash: tokenHash(planted) } })).toBeNull();
      // Both real sessions work.
      expect((await post("incident.create", {}, { session: a })).status).toBe(400);
      expect((await post("incident.create", {}, { session: b })).status).toBe(400);
    });

    it("logout deletes the session: the old cookie then gets 401", async () => {
      const token = tokenOf(await login(RESPONDER, PASSWORD));
      expect((await post("incident.create", {}, { session: token })).status).toBe(400);
      expect(await t.db.session.findUnique({ where: { tokenHash: tokenHash(token) } })).not.toBeNull();

      const out = await post("logout", {}, { session: token });
      expect(out.status).toBe(200);
      const cleared = sessionSetCookie(out)!;
      expect(cleared).toMatch(/^status_session=;/);
      expect(cleared).toMatch(/Max-Age=0/);

      expect(await t.db.session.findUnique({ where: { tokenHash: tokenHash(token) } })).toBeNull();
      expect((await post("incident.create", {}, { session: token })).status).toBe(401);
      expect((await post("logout", {}, { session: token })).status).toBe(401);
      // Other sessions of the same user are untouched.
      expect((await post("incident.create", {}, { session: responderSession })).status).toBe(400);
    });
  });

  describe("4. lockout", () => {
    it("locks the account after 5 wrong passwords, refuses the right one with the lock message, and audits the failures", async () => {
      const answers: PostResult[] = [];
      for (let i = 0; i < 5; i++) answers.push(await login(LOCKED, `wrong password number ${i}`));
      for (const r of answers.slice(0, 4)) {
        expect(r.status).toBe(401);
        expect(r.json).toEqual({ errors: { form: WRONG_CREDENTIALS } });
      }
      // The fifth failure locks.
      expect(answers[4].status).toBe(429);
      expect((answers[4].json?.errors as Record<string, string> | undefined)?.form).toMatch(/locked/);

      const right = await login(LOCKED, PASSWORD);
      expect(right.status).not.toBe(200);
      expect(right.status).toBe(429);
      const message = (right.json?.errors as Record<string, string> | undefined)?.form;
      expect(message).toMatch(/This account is locked after repeated failures\. Try again in 1[45] minutes\./);
      expect(message).not.toBe(WRONG_CREDENTIALS);
      expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(800);
      expect(sessionSetCookie(right)).toBeUndefined();
      expect(await t.db.session.count({ where: { userId: ids[LOCKED] } })).toBe(0);

      const user = await t.db.user.findUniqueOrThrow({ where: { id: ids[LOCKED] } });
      expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

      const failures = await t.db.auditLog.findMany({ where: { action: "auth.login_failed", userId: ids[LOCKED] } });
      const reasons = failures.map((f) => (f.details as { reason?: string } | null)?.reason);
      expect(reasons.filter((r) => r === "password")).toHaveLength(5);
      expect(reasons).toContain("locked");
      for (const f of failures) expect((f.details as { email?: string }).email).toBe(LOCKED);
    });
  });

  describe("5. no open redirect after login", () => {
    const hostile = [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "/admin/../../x?",
      "javascript:alert(1)",
      "/admin/%2e%2e/%2e%2e/x",
      "/%2F%2Fevil.example",
      "/adminx",
    ];

    it.each(hostile)("next=%s goes to /admin or stays inside it", async (next) => {
      const r = await login(ADMIN, PASSWORD, { next });
      expect(r.status).toBe(200);
      const redirect = r.json?.redirect as string;
      expect(redirect === "/admin" || redirect.startsWith("/admin/"), redirect).toBe(true);
      // Resolved the way a browser would, it stays on this site and inside the area.
      const target = new URL(redirect, web.url);
      expect(target.origin).toBe(web.url);
      expect(target.pathname === "/admin" || target.pathname.startsWith("/admin/"), target.pathname).toBe(true);
      expect(redirect).not.toContain("evil");
    });

    it("keeps a path inside the area", async () => {
      const r = await login(ADMIN, PASSWORD, { next: "/admin/incidents/3" });
      expect(r.json?.redirect).toBe("/admin/incidents/3");
    });

    it("the login page does not carry a foreign next into its form", async () => {
      const r = await fetch(`${web.url}/admin/login?next=${encodeURIComponent("https://evil.example")}`);
      expect(r.status).toBe(200);
      const html = await r.text();
      // The hidden field travels as a prop of the form (React flight data, JSON inside a JS string)
      // or as an <input type=hidden>; either way its value must be /admin.
      const asProp = [...html.matchAll(/\\*"name\\*":\\*"next\\*",\\*"value\\*":\\*"([^"\\]*)\\*"/g)].map((m) => m[1]);
      const asInput = [...html.matchAll(/<input[^>]*name="next"[^>]*>/g)].map((m) => /value="([^"]*)"/.exec(m[0])?.[1]);
      const values = [...asProp, ...asInput];
      expect(values.length, "the hidden next field was not found in the page").toBeGreaterThan(0);
      for (const v of values) expect(v).toBe("/admin");
      expect(html).not.toMatch(/href="[^"]*evil\.example/);
      expect(html).not.toMatch(/value="[^"]*evil\.example/);
    });
  });

  describe("6. admin pages by role", () => {
    const pages = ["/admin", "/admin/incidents/new", "/admin/maintenance", "/admin/channels", "/admin/users", "/admin/audit"];
    const adminOnly = new Set(["/admin/channels", "/admin/users", "/admin/audit"]);

    it.each(pages)("%s: no session redirects to the login page, responder 404 where admin-only, admin 200", async (path) => {
      const anonymous = await get(path);
      expect([302, 303, 307]).toContain(anonymous.status);
      const location = new URL(anonymous.headers.get("location")!, web.url);
      expect(location.origin).toBe(web.url);
      expect(location.pathname).toBe("/admin/login");
      expect(location.searchParams.get("next")).toBe(path);
      await anonymous.body?.cancel();

      const responder = await get(path, responderSession);
      expect(responder.status).toBe(adminOnly.has(path) ? 404 : 200);
      await responder.body?.cancel();

      const admin = await get(path, adminSession);
      expect(admin.status).toBe(200);
      const html = await admin.text();
      expect(html).toContain(ADMIN);
    });

    it("a made-up session cookie is the same as none", async () => {
      const r = await get("/admin/users", "made-up-session-token");
      expect([302, 303, 307]).toContain(r.status);
      expect(new URL(r.headers.get("location")!, web.url).pathname).toBe("/admin/login");
      await r.body?.cancel();
    });
  });

  describe("7. incident lifecycle through the API", () => {
    it("a responder opens an incident: 200, redirect to it, row and audit entry naming the user", async () => {
      const r = await post("incident.create", validIncident("Registry pushes fail"), { session: responderSession });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      const m = /^\/admin\/incidents\/(\d+)$/.exec(String(r.json?.redirect));
      expect(m, String(r.json?.redirect)).not.toBeNull();
      const id = Number(m![1]);
      const row = await t.db.incident.findUniqueOrThrow({ where: { id }, include: { updates: true } });
      expect(row.title).toBe("Registry pushes fail");
      expect(row.status).toBe("investigating");
      expect(row.updates).toHaveLength(1);
      expect(row.updates[0].authorId).toBe(ids[RESPONDER]);
      const entry = await t.db.auditLog.findFirstOrThrow({
        where: { action: "incident.create", target: `incident:${id}` },
        include: { user: true },
      });
      expect(entry.userId).toBe(ids[RESPONDER]);
      expect(entry.user?.email).toBe(RESPONDER);
    });

    it("resolved is final: an update after resolving is refused with an error and writes nothing", async () => {
      const created = await post("incident.create", validIncident("Short blip"), { session: responderSession });
      const id = Number(String(created.json?.redirect).split("/").pop());
      const resolve = await post("incident.update", { id, status: "resolved", body: "Fixed." }, { session: responderSession });
      expect(resolve.status, JSON.stringify(resolve.json)).toBe(200);
      expect((await t.db.incident.findUniqueOrThrow({ where: { id } })).status).toBe("resolved");

      const before = await counts();
      for (const status of ["investigating", "resolved"]) {
        const again = await post("incident.update", { id, status, body: "It is back." }, { session: adminSession });
        expect(again.status).toBe(400);
        const errors = again.json?.errors as Record<string, string>;
        expect(Object.values(errors).join(" ")).toMatch(/resolved/);
      }
      expect(await counts()).toEqual(before);
      const row = await t.db.incident.findUniqueOrThrow({ where: { id }, include: { updates: true } });
      expect(row.status).toBe("resolved");
      expect(row.updates).toHaveLength(2);
    });
  });

  describe("8. maintainer Markdown cannot inject script", () => {
    it("renders script tags, javascript: links and img handlers as text on the public incident page", async () => {
      const evil = "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<img src=x onerror=alert(1)>";
      const created = await post("incident.create", validIncident("Markdown escaping <script>alert(1)</script>", `first ${evil}`), {
        session: responderSession,
      });
      expect(created.status, JSON.stringify(created.json)).toBe(200);
      const id = Number(String(created.json?.redirect).split("/").pop());
      const update = await post(
        "incident.update",
        { id, status: "identified", body: `marker-second-update ${evil}` },
        { session: responderSession },
      );
      expect(update.status, JSON.stringify(update.json)).toBe(200);

      const html = await fetchUntil(`${web.url}/incidents/${id}`, (b) => b.includes("marker-second-update"), 20_000);
      const check = (page: string) => {
        expect(page).not.toMatch(/<script>alert/i);
        expect(page).not.toMatch(/href="\s*javascript:/i);
        expect(page).not.toMatch(/<img\s+src=x/i);
        expect(page).not.toMatch(/<img[^>]*onerror/i);
      };
      check(html);
      // It is shown, as text.
      expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
      expect(html).toContain("[x](javascript:alert(1))");

      // The maintainers' own incident page renders the same text safely too.
      const admin = await get(`/admin/incidents/${id}`, adminSession);
      expect(admin.status).toBe(200);
      check(await admin.text());

      // And the Markdown preview endpoint the forms use.
      const preview = await post("preview", { markdown: evil }, { session: responderSession });
      expect(preview.status).toBe(200);
      check(String(preview.json?.html));
      expect(preview.json?.html).toContain("&lt;script&gt;");
    }, 40_000);
  });
});
