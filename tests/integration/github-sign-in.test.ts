import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startFakeGithub, type FakeGithub, type FakeGithubUser } from "../helpers/fake-github";
import { finishGithubSignIn, FLOW_COOKIE, startGithubSignIn } from "@/monitors/admin/handle-github-sign-in";
import { handleAdminPost } from "@/monitors/admin/handle-admin-post";
import { createSession, SESSION_COOKIE, sessionUser } from "@/monitors/auth/sessions";
import { PENDING_COOKIE } from "@/monitors/auth/pending-sign-in";
import { hashPassword } from "@/monitors/auth/password";
import { githubRefusalText } from "@/monitors/auth/github-refusals";
import { PASSWORD_LOGIN_OFF, signInMethods } from "@/monitors/auth/sign-in-methods";
import { sealSecret, totpCode } from "@/monitors/auth/totp";
import { appSecret } from "@/monitors/auth/app-secret";
import { purgeExpiredAccessData } from "@/monitors/agent/purge-expired";

const SITE = "http://localhost:3000";
const CLIENT = { clientId: "Iv1.testclient", clientSecret: "test-client-secret-0123456789" };
const PASSWORD = "correct horse battery staple";

const alice: FakeGithubUser = { id: 1001, login: "Alice-GH", emails: [["alice@example.test", true, true]] };
const member: FakeGithubUser = {
  id: 2002,
  login: "member-one",
  emails: [
    ["old@example.test", false, true],
    ["member@example.test", true, true],
  ],
  orgs: ["containerish"],
  teams: ["containerish/maintainers"],
};
const orgOnly: FakeGithubUser = { id: 3003, login: "org-only", emails: [["orgonly@example.test", true, true]], orgs: ["containerish"] };
const stranger: FakeGithubUser = { id: 4004, login: "stranger", emails: [["stranger@example.test", true, true]] };

describe("sign in with GitHub (against a loopback GitHub)", () => {
  let t: TempDb;
  let gh: FakeGithub;
  let env: Record<string, string>;
  let ipN = 0;
  let ip = "";

  beforeAll(async () => {
    t = await createTempDb();
    gh = await startFakeGithub(CLIENT);
    env = {
      GITHUB_CLIENT_ID: CLIENT.clientId,
      GITHUB_CLIENT_SECRET: CLIENT.clientSecret,
      GITHUB_URL: gh.url,
      GITHUB_API_URL: gh.url,
      APP_SECRET: "github-test-secret-0123456789abcdef",
    };
  });
  afterAll(async () => {
    await gh?.close();
    await t?.cleanup();
  });
  // A fresh address per test, so the per-address limits of one test do not reach another.
  beforeEach(() => {
    ip = `10.7.0.${++ipN}`;
    gh.failTokenEndpoint(null);
  });

  const headers = (cookie?: string) => ({ host: "localhost:3000", "x-status-client-ip": ip, ...(cookie && { cookie }) });

  function cookiesOf(res: Response): Map<string, string> {
    const out = new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      out.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return out;
  }

  /** The browser's first half: /admin/login/github, then GitHub's authorize page, which redirects back. */
  async function begin(as: FakeGithubUser | null, next = "/admin", e = env) {
    gh.signInAs(as);
    const start = await startGithubSignIn(
      new Request(`${SITE}/admin/login/github?next=${encodeURIComponent(next)}`, { headers: headers() }),
      t.db,
      e,
    );
    expect(start.status).toBe(303);
    const flow = cookiesOf(start).get(FLOW_COOKIE)!;
    expect(start.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Lax; Max-Age=600$/);
    const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
    const callback = authorize.headers.get("location")!;
    return { flow, callback };
  }

  async function finish(callback: string, flow: string | null, e = env) {
    const res = await finishGithubSignIn(new Request(callback, { headers: headers(flow ? `${FLOW_COOKIE}=${flow}` : undefined) }), t.db, e);
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    const session = cookiesOf(res).get(SESSION_COOKIE);
    const failed = new URL(location, SITE).searchParams.get("failed");
    return { res, location, session, failed };
  }

  async function lastAudit(action: string) {
    return t.db.auditLog.findFirst({ where: { action }, orderBy: { id: "desc" } });
  }

  it("signs in an account an admin linked by login, pins the GitHub id, and follows a safe next", async () => {
    const u = await t.db.user.create({
      data: { email: "alice@example.test", role: "admin", passwordHash: await hashPassword(PASSWORD), githubLogin: "alice-gh" },
    });
    const { flow, callback } = await begin(alice, "/admin/incidents/new");
    // The authorize request carried PKCE S256 and a state, and no client secret.
    const asked = gh.authorizeRequests.at(-1)!;
    expect(asked.searchParams.get("code_challenge_method")).toBe("S256");
    expect(asked.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(asked.searchParams.get("state")).toMatch(/.{20,}/);
    expect(asked.toString()).not.toContain(CLIENT.clientSecret);
    const r = await finish(callback, flow);
    expect(r.failed).toBeNull();
    expect(r.location).toBe("/admin/incidents/new");
    expect(await sessionUser(t.db, r.session)).toMatchObject({ id: u.id, role: "admin" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).githubId).toBe("1001");
    const row = await lastAudit("auth.login");
    expect(row).toMatchObject({ userId: u.id, details: { via: "github", githubLogin: "Alice-GH", pinnedGithubId: "1001" } });
    // The flow cookie is spent, and no token reached the audit log.
    expect(r.res.headers.getSetCookie().some((c) => c.startsWith(`${FLOW_COOKIE}=;`) && c.includes("Max-Age=0"))).toBe(true);
    expect(JSON.stringify(await t.db.auditLog.findMany())).not.toMatch(/gho_|test-client-secret/);

    // A second sign-in matches by id, a new session each time.
    const again = await begin(alice);
    const r2 = await finish(again.callback, again.flow);
    expect(r2.session).toBeTruthy();
    expect(r2.session).not.toBe(r.session);
  });

  it("an open redirect in next is not followed", async () => {
    const { flow, callback } = await begin(alice, "https://evil.example/admin");
    expect((await finish(callback, flow)).location).toBe("/admin");
  });

  it("refuses an unlinked account when no organisation is configured, audited with the reason", async () => {
    const { flow, callback } = await begin(stranger);
    const r = await finish(callback, flow);
    expect(r.session).toBeUndefined();
    expect(r.failed).toBe("not-linked");
    expect(githubRefusalText("not-linked", "stranger", env)).toMatch(/^@stranger is not linked to a maintainer account here/);
    expect(await lastAudit("auth.login_failed")).toMatchObject({
      details: { via: "github", reason: "not-linked", githubLogin: "stranger" },
    });
    expect(await t.db.user.count({ where: { email: "stranger@example.test" } })).toBe(0);
  });

  it("creates an account for a team member with GITHUB_ROLE, under the verified primary email", async () => {
    const teamEnv = { ...env, GITHUB_ORG: "containerish", GITHUB_TEAM: "maintainers", GITHUB_ROLE: "responder" };
    const { flow, callback } = await begin(member, "/admin", teamEnv);
    expect(gh.authorizeRequests.at(-1)!.searchParams.get("scope")).toBe("read:user user:email read:org");
    const r = await finish(callback, flow, teamEnv);
    expect(r.failed).toBeNull();
    const made = await t.db.user.findUniqueOrThrow({ where: { email: "member@example.test" } });
    expect(made).toMatchObject({ role: "responder", githubId: "2002", githubByMembership: true });
    expect(await sessionUser(t.db, r.session)).toMatchObject({ id: made.id, role: "responder" });
    expect(await lastAudit("user.create")).toMatchObject({
      target: `user:${made.id}`,
      details: { via: "github", role: "responder", team: "maintainers" },
    });
    // The account has no password that could match.
    const byPassword = await handleAdminPost("login", adminPost({ email: "member@example.test", password: "!github" }), t.db, env);
    expect(byPassword.status).toBe(401);

    // An organisation member outside the team is refused, and gets no account.
    const other = await begin(orgOnly, "/admin", teamEnv);
    const refused = await finish(other.callback, other.flow, teamEnv);
    expect(refused.failed).toBe("not-member");
    expect(githubRefusalText("not-member", "org-only", teamEnv)).toBe(
      "@org-only is not an active member of the team containerish/maintainers, which this site requires.",
    );
    expect(await t.db.user.count({ where: { email: "orgonly@example.test" } })).toBe(0);

    // With the organisation alone (no team), the same person gets in.
    const orgEnv = { ...env, GITHUB_ORG: "containerish", GITHUB_ROLE: "admin" };
    const third = await begin(orgOnly, "/admin", orgEnv);
    expect((await finish(third.callback, third.flow, orgEnv)).failed).toBeNull();
    expect(await t.db.user.findUniqueOrThrow({ where: { email: "orgonly@example.test" } })).toMatchObject({ role: "admin" });

    // Leaving the team ends GitHub sign-in for an account that membership made.
    const left = { ...member, teams: [] };
    const fourth = await begin(left, "/admin", teamEnv);
    expect((await finish(fourth.callback, fourth.flow, teamEnv)).failed).toBe("not-member");
  });

  it("refuses a non-member, and never links an existing account by email", async () => {
    const orgEnv = { ...env, GITHUB_ORG: "containerish" };
    const a = await begin(stranger, "/admin", orgEnv);
    expect((await finish(a.callback, a.flow, orgEnv)).failed).toBe("not-member");
    await t.db.user.create({ data: { email: "taken@example.test", role: "admin", passwordHash: await hashPassword(PASSWORD) } });
    const b = await begin(
      { id: 5005, login: "taken", emails: [["taken@example.test", true, true]], orgs: ["containerish"] },
      "/admin",
      orgEnv,
    );
    const r = await finish(b.callback, b.flow, orgEnv);
    expect(r.failed).toBe("email-taken");
    expect((await t.db.user.findUniqueOrThrow({ where: { email: "taken@example.test" } })).githubId).toBeNull();
    const c = await begin(
      { id: 6006, login: "unverified", emails: [["u@example.test", true, false]], orgs: ["containerish"] },
      "/admin",
      orgEnv,
    );
    expect((await finish(c.callback, c.flow, orgEnv)).failed).toBe("no-email");
  });

  it("an admin links an account in /admin/users (user.github), and the linked person then gets in", async () => {
    const boss = await t.db.user.create({ data: { email: "boss@example.test", role: "admin", passwordHash: "x" } });
    const target = await t.db.user.create({ data: { email: "later@example.test", role: "responder", passwordHash: "x" } });
    const later: FakeGithubUser = { id: 1212, login: "later-gh" };
    const before = await begin(later);
    expect((await finish(before.callback, before.flow)).failed).toBe("not-linked");

    const bossSession = (await createSession(t.db, boss.id)).token;
    const bad = await handleAdminPost(
      "user.github",
      adminPost({ id: target.id, github: "not a login" }, `${SESSION_COOKIE}=${bossSession}`),
      t.db,
      env,
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      errors: { github: 'must be a GitHub login (letters, digits, dashes; at most 39), got "not a login"' },
    });
    const linked = await handleAdminPost(
      "user.github",
      adminPost({ id: target.id, github: "@Later-GH" }, `${SESSION_COOKIE}=${bossSession}`),
      t.db,
      env,
    );
    expect(linked.status).toBe(200);
    expect(await lastAudit("user.link_github")).toMatchObject({
      userId: boss.id,
      target: `user:${target.id}`,
      details: { login: "Later-GH" },
    });

    const after = await begin(later);
    const r = await finish(after.callback, after.flow);
    expect(r.failed).toBeNull();
    expect(await sessionUser(t.db, r.session)).toMatchObject({ id: target.id });

    // The same login again (the form's default) keeps the pinned id and the session.
    const same = await handleAdminPost(
      "user.github",
      adminPost({ id: target.id, github: "later-gh" }, `${SESSION_COOKIE}=${bossSession}`),
      t.db,
      env,
    );
    expect(same.status).toBe(200);
    expect(await t.db.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ githubId: "1212", githubLogin: "later-gh" });
    expect(await sessionUser(t.db, r.session)).toMatchObject({ id: target.id });
    // Another login replaces the link: the old GitHub account's session ends.
    const other = await handleAdminPost(
      "user.github",
      adminPost({ id: target.id, github: "someone-else" }, `${SESSION_COOKIE}=${bossSession}`),
      t.db,
      env,
    );
    expect(other.status).toBe(200);
    expect(await sessionUser(t.db, r.session)).toBeNull();
    const relinked = await handleAdminPost(
      "user.github",
      adminPost({ id: target.id, github: "later-gh" }, `${SESSION_COOKIE}=${bossSession}`),
      t.db,
      env,
    );
    expect(relinked.status).toBe(200);
    const back = await begin(later);
    const r3 = await finish(back.callback, back.flow);
    expect(r3.failed).toBeNull();

    // Removing the link ends the session and refuses the next GitHub sign-in.
    const unlinked = await handleAdminPost(
      "user.github",
      adminPost({ id: target.id, github: "" }, `${SESSION_COOKIE}=${bossSession}`),
      t.db,
      env,
    );
    expect(unlinked.status).toBe(200);
    expect(await sessionUser(t.db, r3.session)).toBeNull();
    const again = await begin(later);
    expect((await finish(again.callback, again.flow)).failed).toBe("not-linked");
  });

  it("refuses a disabled account", async () => {
    await t.db.user.create({
      data: { email: "gone@example.test", role: "responder", passwordHash: "x", githubId: "7007", disabledAt: new Date() },
    });
    const { flow, callback } = await begin({ id: 7007, login: "gone" });
    expect((await finish(callback, flow)).failed).toBe("disabled");
  });

  it("refuses a state that does not match, a missing state, a missing cookie, and a replayed callback", async () => {
    const one = await begin(alice);
    const two = await begin(alice);
    // The callback of one flow with the other's cookie.
    expect((await finish(one.callback, two.flow)).failed).toBe("state-mismatch");
    // No cookie: started in another browser, or over 10 minutes ago.
    expect((await finish(two.callback, null)).failed).toBe("state-missing");
    // No state in the callback.
    const noState = new URL(two.callback);
    noState.searchParams.delete("state");
    expect((await finish(noState.toString(), two.flow)).failed).toBe("state-missing");
    expect(await lastAudit("auth.login_failed")).toMatchObject({ details: { reason: "state-missing", why: "no state in the callback" } });
    // The genuine callback still works once…
    const ok = await finish(two.callback, two.flow);
    expect(ok.failed).toBeNull();
    // …and only once: replayed with its cookie, it finds the state used.
    const replay = await finish(two.callback, two.flow);
    expect(replay.failed).toBe("state-used");
    expect(replay.session).toBeUndefined();
    expect(githubRefusalText("state-used", undefined, env)).toBe("This sign-in with GitHub was used already or has expired. Start again.");
  });

  it("a code traded once is refused by GitHub when a new flow carries it", async () => {
    const first = await begin(alice);
    expect((await finish(first.callback, first.flow)).failed).toBeNull();
    const second = await begin(alice);
    const stolen = new URL(second.callback);
    stolen.searchParams.set("code", new URL(first.callback).searchParams.get("code")!);
    const r = await finish(stolen.toString(), second.flow);
    expect(r.failed).toBe("token");
    expect(gh.tokenAnswers.at(-1)).toEqual({ error: "bad_verification_code" });
    expect(await lastAudit("auth.login_failed")).toMatchObject({ details: { reason: "token", why: "bad_verification_code" } });
  });

  it("a wrong PKCE verifier is refused by GitHub", async () => {
    const { flow, callback } = await begin(alice);
    const decoded = JSON.parse(Buffer.from(flow, "base64url").toString()) as { verifier: string };
    const forged = Buffer.from(JSON.stringify({ ...decoded, verifier: `${decoded.verifier.slice(0, -2)}xx` })).toString("base64url");
    const r = await finish(callback, forged);
    expect(r.failed).toBe("token");
    expect(gh.tokenAnswers.at(-1)).toMatchObject({ error: "bad_verification_code", error_description: "PKCE" });
  });

  it("a token endpoint error, a wrong client secret, and a cancel on GitHub are refused in words", async () => {
    const a = await begin(alice);
    gh.failTokenEndpoint("500");
    const r = await finish(a.callback, a.flow);
    expect(r.failed).toBe("github-error");
    expect(githubRefusalText("github-error", undefined, env)).toMatch(/could not be reached or answered with an error/);
    gh.failTokenEndpoint(null);

    const wrongSecret = { ...env, GITHUB_CLIENT_SECRET: "not-the-secret" };
    const b = await begin(alice, "/admin", wrongSecret);
    expect((await finish(b.callback, b.flow, wrongSecret)).failed).toBe("token");
    expect(await lastAudit("auth.login_failed")).toMatchObject({ details: { why: "incorrect_client_credentials" } });

    const c = await begin(null);
    expect((await finish(c.callback, c.flow)).failed).toBe("denied");
  });

  it("with two-factor on, GitHub sign-in asks for the code before any session", async () => {
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const key = await appSecret(t.db, env);
    const u = await t.db.user.create({
      data: { email: "twofa@example.test", role: "admin", passwordHash: "x", githubId: "8008", totpSecret: sealSecret(secret, key) },
    });
    const { flow, callback } = await begin({ id: 8008, login: "twofa" }, "/admin/audit");
    const r = await finish(callback, flow);
    expect(r.session).toBeUndefined();
    expect(r.location).toBe("/admin/login/code?next=%2Fadmin%2Faudit");
    const pending = cookiesOf(r.res).get(PENDING_COOKIE)!;
    expect(pending).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // No code, a wrong code: refused, still no session.
    const none = await handleAdminPost("login-code", adminPost({ code: "" }, `${PENDING_COOKIE}=${pending}`), t.db, env);
    expect(none.status).toBe(401);
    const wrong = await handleAdminPost("login-code", adminPost({ code: "000000" }, `${PENDING_COOKIE}=${pending}`), t.db, env);
    expect(((await wrong.json()) as { errors: { form: string } }).errors.form).toBe("Wrong two-factor code.");
    // Without the pending cookie a right code gets nothing.
    const noCookie = await handleAdminPost("login-code", adminPost({ code: totpCode(secret, Date.now()) }), t.db, env);
    expect(noCookie.status).toBe(401);
    const right = await handleAdminPost(
      "login-code",
      adminPost({ code: totpCode(secret, Date.now()), next: "/admin/audit" }, `${PENDING_COOKIE}=${pending}`),
      t.db,
      env,
    );
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ ok: true, redirect: "/admin/audit" });
    const session = cookiesOf(right).get(SESSION_COOKIE);
    expect(await sessionUser(t.db, session)).toMatchObject({ id: u.id });
    expect(await lastAudit("auth.login")).toMatchObject({ userId: u.id, details: { via: "github", secondFactor: "totp" } });
    // A waiting sign-in left unused is gone an hour later (the agent's housekeeping), and its cookie with it.
    const left = await begin({ id: 8008, login: "twofa" });
    expect((await finish(left.callback, left.flow)).location).toMatch(/^\/admin\/login\/code/);
    expect(await t.db.pendingSignIn.count({ where: { userId: u.id } })).toBe(1);
    await purgeExpiredAccessData(t.db, new Date(Date.now() + 60 * 60_000));
    expect(await t.db.pendingSignIn.count({ where: { userId: u.id } })).toBe(0);
    // The waiting sign-in is used up.
    const again = await handleAdminPost(
      "login-code",
      adminPost({ code: totpCode(secret, Date.now() + 30_000) }, `${PENDING_COOKIE}=${pending}`),
      t.db,
      env,
    );
    expect(again.status).toBe(401);
  });

  it("with REQUIRE_2FA=1, an admin signed in by GitHub without two-factor may only set it up", async () => {
    const strict = { ...env, REQUIRE_2FA: "1" };
    await t.db.user.create({ data: { email: "strict@example.test", role: "admin", passwordHash: "x", githubId: "9009" } });
    const { flow, callback } = await begin({ id: 9009, login: "strict" }, "/admin", strict);
    const r = await finish(callback, flow, strict);
    expect(r.session).toBeTruthy();
    const res = await handleAdminPost("incident.create", adminPost({}, `${SESSION_COOKIE}=${r.session}`), t.db, strict);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { redirect: string }).redirect).toBe("/admin/account");
  });

  it("PASSWORD_LOGIN=0 refuses password sign-in with a clear message; GitHub still works", async () => {
    const off = { ...env, PASSWORD_LOGIN: "0" };
    const res = await handleAdminPost("login", adminPost({ email: "alice@example.test", password: PASSWORD }), t.db, off);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ errors: { form: PASSWORD_LOGIN_OFF } });
    expect(await t.db.auditLog.count({ where: { action: "auth.login", details: { equals: { ip } } } })).toBe(0);
    const { flow, callback } = await begin(alice, "/admin", off);
    expect((await finish(callback, flow, off)).failed).toBeNull();
    // The same password is accepted with password sign-in on.
    const on = await handleAdminPost("login", adminPost({ email: "alice@example.test", password: PASSWORD }), t.db, env);
    expect(on.status).toBe(200);
  });

  it("names a wrong GitHub setting instead of guessing", () => {
    expect(signInMethods({ GITHUB_CLIENT_ID: "x" }).githubProblem).toBe("GITHUB_CLIENT_ID is set but GITHUB_CLIENT_SECRET is not");
    expect(signInMethods({ ...env, GITHUB_TEAM: "maintainers" }).githubProblem).toBe(
      "GITHUB_TEAM needs GITHUB_ORG (the organisation the team belongs to)",
    );
    expect(signInMethods({ ...env, GITHUB_ORG: "containerish", GITHUB_ROLE: "owner" }).githubProblem).toBe(
      'GITHUB_ROLE must be admin or responder, got "owner"',
    );
    expect(signInMethods({ ...env, GITHUB_URL: "ftp://x" }).githubProblem).toBe('GITHUB_URL must be an http(s) URL, got "ftp://x"');
    expect(signInMethods({ ...env, GITHUB_ORG: "a/b" }).githubProblem).toBe('GITHUB_ORG must be an organisation\'s login, got "a/b"');
    expect(signInMethods({}).github).toBeNull();
    expect(signInMethods({}).password).toBe(true);
  });

  it("a wrong GitHub setting is named on the login page and GitHub sign-in stays off", async () => {
    const broken = { ...env, GITHUB_TEAM: "maintainers" };
    const res = await startGithubSignIn(new Request(`${SITE}/admin/login/github`, { headers: headers() }), t.db, broken);
    expect(res.headers.get("location")).toBe("/admin/login?failed=not-configured");
    expect(githubRefusalText("not-configured", undefined, broken)).toBe(
      "Sign-in with GitHub is misconfigured on this site: GITHUB_TEAM needs GITHUB_ORG (the organisation the team belongs to).",
    );
  });

  it("unconfigured GitHub sign-in redirects back with the reason", async () => {
    const res = await startGithubSignIn(new Request(`${SITE}/admin/login/github`, { headers: headers() }), t.db, {});
    expect(res.headers.get("location")).toBe("/admin/login?failed=not-configured");
  });

  function adminPost(body: Record<string, unknown>, cookie?: string): Request {
    return new Request(`${SITE}/admin/api/x`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-status-request": "1", origin: SITE, ...headers(cookie) },
      body: JSON.stringify(body),
    });
  }
});
