import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { hashPassword } from "@/monitors/auth/password";
import { login, LOCK_MS, WRONG_CREDENTIALS } from "@/monitors/auth/login";
import { clear, hit } from "@/monitors/auth/rate-limit";
import { tokenHash } from "@/monitors/auth/session-token";
import {
  clearedSessionCookie,
  createSession,
  deleteSession,
  deleteUserSessions,
  isSecureRequest,
  sessionCookie,
  sessionUser,
  SESSION_TTL_MS,
} from "@/monitors/auth/sessions";
import { audit, recentAudit } from "@/monitors/auth/audit";
import { can, isRole } from "@/monitors/auth/permissions";

const MIN = 60_000;
const PASSWORD = "correct horse battery staple";
const LOCKED = /^This account is locked after repeated failures\. Try again in \d+ minutes?\.$/;

describe("authentication", () => {
  let t: TempDb;
  let ipCounter = 0;
  // A fresh address per test keeps the per-IP limit out of tests about something else.
  const freshIp = () => `10.0.0.${++ipCounter}`;
  const newUser = async (email: string, role = "responder") =>
    t.db.user.create({ data: { email, role, passwordHash: await hashPassword(PASSWORD) } });

  beforeAll(async () => {
    t = await createTempDb();
  });
  afterAll(async () => t.cleanup());

  it("creates a new session with a fresh token on every login and stores only its hash", async () => {
    const user = await newUser("alice@example.com", "admin");
    const ip = freshIp();
    const a = await login(t.db, { email: " Alice@Example.COM ", password: PASSWORD, ip });
    const b = await login(t.db, { email: "alice@example.com", password: PASSWORD, ip });
    if (!a.ok || !b.ok) throw new Error(`login failed: ${JSON.stringify([a, b])}`);
    expect(a.user).toEqual({ id: user.id, email: "alice@example.com", role: "admin", twoFactor: false });
    expect(a.token).not.toBe(b.token);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.expiresAt.getTime() - Date.now()).toBeGreaterThan(SESSION_TTL_MS - MIN);

    const sessions = await t.db.session.findMany({ where: { userId: user.id } });
    expect(sessions.map((s) => s.tokenHash).sort()).toEqual([tokenHash(a.token), tokenHash(b.token)].sort());
    expect(sessions.every((s) => s.ip === ip)).toBe(true);
    // Neither token appears in any table, nor in the database files themselves.
    const everything = JSON.stringify([
      await t.db.session.findMany(),
      await t.db.auditLog.findMany(),
      await t.db.rateLimit.findMany(),
      await t.db.user.findMany(),
    ]);
    const file = t.url.slice("file:".length);
    const bytes = [file, `${file}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString("latin1"))
      .join("");
    for (const token of [a.token, b.token]) {
      expect(everything).not.toContain(token);
      expect(bytes).not.toContain(token);
    }
    expect(await sessionUser(t.db, a.token)).toEqual({ id: user.id, email: "alice@example.com", role: "admin", twoFactor: false });
    expect(await sessionUser(t.db, b.token)).toEqual({ id: user.id, email: "alice@example.com", role: "admin", twoFactor: false });
  });

  it("gives the same answer for an unknown email, a wrong password and a disabled account", async () => {
    await newUser("bob@example.com");
    const carol = await newUser("carol@example.com");
    await t.db.user.update({ where: { id: carol.id }, data: { disabledAt: new Date() } });
    const ip = freshIp();
    const unknown = await login(t.db, { email: "nobody@example.com", password: PASSWORD, ip });
    const wrong = await login(t.db, { email: "bob@example.com", password: "not the password", ip });
    const disabled = await login(t.db, { email: "carol@example.com", password: PASSWORD, ip });
    expect(unknown).toEqual({ ok: false, error: WRONG_CREDENTIALS });
    expect(wrong).toEqual(unknown);
    expect(disabled).toEqual(unknown);
    expect(WRONG_CREDENTIALS).toBe("Wrong email or password.");
  });

  it("locks an account after 5 failures, even against the right password, exactly like an unknown email", async () => {
    const dave = await newUser("dave@example.com");
    const now = new Date();
    const ip = freshIp();
    const attempt = (email: string, password = "wrong wrong wrong") => login(t.db, { email, password, ip, now });
    const known: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(((await attempt("dave@example.com")) as { error: string }).error);
      unknown.push(((await attempt("ghost@example.com")) as { error: string }).error);
    }
    expect(known.slice(0, 4)).toEqual(Array(4).fill(WRONG_CREDENTIALS));
    expect(known[4]).toMatch(LOCKED);
    expect(known[4]).toContain("15 minutes");
    expect(unknown).toEqual(known);

    const right = await attempt("dave@example.com", PASSWORD);
    expect(right.ok).toBe(false);
    expect(right).toEqual(await attempt("ghost@example.com", PASSWORD));
    expect(right).toMatchObject({ error: expect.stringMatching(LOCKED), retryAfterSec: 15 * 60 });

    const row = await t.db.user.findUniqueOrThrow({ where: { id: dave.id } });
    expect(row.failedLogins).toBe(5);
    expect(row.lockedUntil?.getTime()).toBe(now.getTime() + LOCK_MS);
    expect(await t.db.session.count({ where: { userId: dave.id } })).toBe(0);
  });

  it("unlocks when the lock expires and resets the failure count on success", async () => {
    const erin = await newUser("erin@example.com");
    const start = new Date();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await login(t.db, { email: "erin@example.com", password: "nope nope nope", ip, now: start });
    const later = new Date(start.getTime() + 10 * MIN);
    const stillLocked = await login(t.db, { email: "erin@example.com", password: PASSWORD, ip: freshIp(), now: later });
    expect(stillLocked).toMatchObject({ ok: false, error: "This account is locked after repeated failures. Try again in 5 minutes." });

    const after = new Date(start.getTime() + LOCK_MS + 1000);
    const ok = await login(t.db, { email: "erin@example.com", password: PASSWORD, ip: freshIp(), now: after });
    expect(ok.ok).toBe(true);
    const row = await t.db.user.findUniqueOrThrow({ where: { id: erin.id } });
    expect([row.failedLogins, row.lockedUntil]).toEqual([0, null]);

    // After the reset, one more failure is the first of a new count, not the sixth.
    const again = await login(t.db, { email: "erin@example.com", password: "nope nope nope", ip: freshIp(), now: after });
    expect(again).toEqual({ ok: false, error: WRONG_CREDENTIALS });
  });

  it("reserves each attempt before hashing: of 19 parallel wrong passwords only 5 are checked, and the right one after them is refused", async () => {
    await newUser("race@example.com");
    const ip = freshIp();
    const reasons = async () =>
      (await t.db.auditLog.findMany({ where: { action: "auth.login_failed" } }))
        .map((r) => r.details as { email: string; reason: string })
        .filter((d) => d.email === "race@example.com")
        .map((d) => d.reason);
    const wrong = Array.from({ length: 19 }, (_, i) => login(t.db, { email: "race@example.com", password: `wrong guess ${i}`, ip }));
    // The right password arrives while the wrong ones are still being hashed.
    const until = Date.now() + 10_000;
    while (((await t.db.rateLimit.findUnique({ where: { key: "login-email:race@example.com" } }))?.count ?? 0) < 19 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 5));
    const right = await login(t.db, { email: "race@example.com", password: PASSWORD, ip });
    await Promise.all(wrong);
    expect(right).toMatchObject({ ok: false, error: expect.stringMatching(LOCKED) });
    const r = await reasons();
    expect(r.filter((x) => x === "password")).toHaveLength(5);
    expect(r.filter((x) => x === "locked")).toHaveLength(15);
  });

  it("lets an address that signed in before through a lock that strangers caused, with a limit of its own", async () => {
    await newUser("owner@example.com");
    const home = freshIp();
    const now = new Date();
    expect((await login(t.db, { email: "owner@example.com", password: PASSWORD, ip: home, now })).ok).toBe(true);
    const stranger = freshIp();
    for (let i = 0; i < 5; i++) await login(t.db, { email: "owner@example.com", password: "not it at all", ip: stranger, now });
    expect(await login(t.db, { email: "owner@example.com", password: PASSWORD, ip: stranger, now })).toMatchObject({
      ok: false,
      error: expect.stringMatching(LOCKED),
    });
    expect(await login(t.db, { email: "owner@example.com", password: PASSWORD, ip: freshIp(), now })).toMatchObject({
      ok: false,
      error: expect.stringMatching(LOCKED),
    });
    // The owner's usual address still gets in while the account is locked for everyone else.
    expect((await login(t.db, { email: "owner@example.com", password: PASSWORD, ip: home, now })).ok).toBe(true);
    // ...but guessing from it is limited as well.
    for (let i = 0; i < 5; i++) await login(t.db, { email: "owner@example.com", password: "not it at all", ip: home, now });
    expect(await login(t.db, { email: "owner@example.com", password: PASSWORD, ip: home, now })).toMatchObject({
      ok: false,
      error: expect.stringMatching(LOCKED),
    });
    // An address is known for 30 days after its last sign-in, not forever.
    const stale = new Date(now.getTime() + 31 * 24 * 60 * MIN);
    for (let i = 0; i < 5; i++) await login(t.db, { email: "owner@example.com", password: "not it at all", ip: stranger, now: stale });
    expect(await login(t.db, { email: "owner@example.com", password: PASSWORD, ip: home, now: stale })).toMatchObject({
      ok: false,
      error: expect.stringMatching(LOCKED),
    });
  });

  it("success clears earlier failures", async () => {
    const fay = await newUser("fay@example.com");
    const ip = freshIp();
    for (let i = 0; i < 4; i++) await login(t.db, { email: "fay@example.com", password: "nope nope nope", ip });
    expect((await login(t.db, { email: "fay@example.com", password: PASSWORD, ip })).ok).toBe(true);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: fay.id } })).failedLogins).toBe(0);
    for (let i = 0; i < 4; i++)
      expect(await login(t.db, { email: "fay@example.com", password: "nope nope nope", ip })).toEqual({
        ok: false,
        error: WRONG_CREDENTIALS,
      });
  });

  it("refuses the 21st attempt from one address within 15 minutes, even with the right password", async () => {
    await newUser("gus@example.com");
    const ip = freshIp();
    const now = new Date();
    // Different unknown emails, so no account lock gets in the way of counting.
    for (let i = 0; i < 20; i++) {
      expect(await login(t.db, { email: `spray${i}@example.com`, password: "guess guess guess", ip, now })).toEqual({
        ok: false,
        error: WRONG_CREDENTIALS,
      });
    }
    const refused = await login(t.db, { email: "gus@example.com", password: PASSWORD, ip, now });
    expect(refused).toEqual({ ok: false, error: "Too many attempts from this address. Try again in 15 minutes.", retryAfterSec: 900 });
    expect((await login(t.db, { email: "gus@example.com", password: PASSWORD, ip, now: new Date(now.getTime() + 14 * MIN) })).ok).toBe(
      false,
    );
    // One audit row for the refusals of a window, not one per request.
    const ipRows = await t.db.auditLog.findMany({ where: { action: "auth.login_failed" } });
    expect(
      ipRows.filter((r) => (r.details as { reason?: string }).reason === "ip-limit" && (r.details as { ip?: string }).ip === ip),
    ).toHaveLength(1);
    // other addresses are unaffected, and the address may try again once the window is over
    expect((await login(t.db, { email: "gus@example.com", password: PASSWORD, ip: freshIp(), now })).ok).toBe(true);
    expect((await login(t.db, { email: "gus@example.com", password: PASSWORD, ip, now: new Date(now.getTime() + LOCK_MS) })).ok).toBe(true);
  });

  it("sessionUser is null for missing, unknown, expired and disabled sessions", async () => {
    const hal = await newUser("hal@example.com");
    expect(await sessionUser(t.db, undefined)).toBeNull();
    expect(await sessionUser(t.db, "")).toBeNull();
    expect(await sessionUser(t.db, "made-up-token")).toBeNull();

    const past = new Date(Date.now() - SESSION_TTL_MS - MIN);
    const old = await createSession(t.db, hal.id, "10.9.9.9", past);
    expect(await sessionUser(t.db, old.token)).toBeNull();
    expect(await t.db.session.count({ where: { tokenHash: tokenHash(old.token) } })).toBe(0);

    const live = await createSession(t.db, hal.id);
    expect(await sessionUser(t.db, live.token)).toEqual({ id: hal.id, email: "hal@example.com", role: "responder", twoFactor: false });
    expect(await sessionUser(t.db, live.token, new Date(live.expiresAt.getTime() + 1))).toBeNull();

    const s2 = await createSession(t.db, hal.id);
    await t.db.user.update({ where: { id: hal.id }, data: { disabledAt: new Date() } });
    expect(await sessionUser(t.db, s2.token)).toBeNull();

    await t.db.user.update({ where: { id: hal.id }, data: { disabledAt: null } });
    const s3 = await createSession(t.db, hal.id);
    const s4 = await createSession(t.db, hal.id);
    await deleteSession(t.db, s3.token);
    expect(await sessionUser(t.db, s3.token)).toBeNull();
    expect(await sessionUser(t.db, s4.token)).not.toBeNull();
    expect(await deleteUserSessions(t.db, hal.id)).toBe(1);
    expect(await sessionUser(t.db, s4.token)).toBeNull();
  });

  it("rate-limit windows count hits, refuse past the limit and restart after resetAt", async () => {
    const t0 = new Date("2030-01-01T00:00:00Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const opts = { limit: 3, windowMs: MIN };
    expect(await hit(t.db, "test:a", { ...opts, now: t0 })).toEqual({ allowed: true, remaining: 2, count: 1, resetAt: at(MIN) });
    expect(await hit(t.db, "test:a", { ...opts, now: at(10_000) })).toMatchObject({ allowed: true, remaining: 1, resetAt: at(MIN) });
    expect(await hit(t.db, "test:a", { ...opts, now: at(20_000) })).toMatchObject({ allowed: true, remaining: 0 });
    expect(await hit(t.db, "test:a", { ...opts, now: at(30_000) })).toMatchObject({
      allowed: false,
      remaining: 0,
      count: 4,
      resetAt: at(MIN),
    });
    // a new window begins at the first hit after resetAt
    expect(await hit(t.db, "test:a", { ...opts, now: at(MIN) })).toEqual({ allowed: true, remaining: 2, count: 1, resetAt: at(2 * MIN) });
    await clear(t.db, "test:a");
    expect(await hit(t.db, "test:a", { ...opts, now: at(MIN + 1) })).toMatchObject({ count: 1, resetAt: at(2 * MIN + 1) });

    // concurrent hits never lose a count
    const counts = await Promise.all(Array.from({ length: 12 }, () => hit(t.db, "test:b", { ...opts, now: t0 })));
    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(counts.filter((c) => c.allowed)).toHaveLength(3);
  });

  it("writes audit rows for logins and failures, newest first with the user's email", async () => {
    const ivy = await newUser("ivy@example.com", "admin");
    const ip = freshIp();
    await login(t.db, { email: "ivy@example.com", password: "wrong password!", ip });
    await login(t.db, { email: "unknown-ivy@example.com", password: "wrong password!", ip });
    await login(t.db, { email: "ivy@example.com", password: PASSWORD, ip });
    const rows = (await t.db.auditLog.findMany({ orderBy: { id: "asc" } })).filter((r) => (r.details as { ip?: string } | null)?.ip === ip);
    expect(rows.map((r) => [r.action, r.userId])).toEqual([
      ["auth.login_failed", ivy.id],
      ["auth.login_failed", null],
      ["auth.login", ivy.id],
    ]);
    expect(rows[1].details).toMatchObject({ email: "unknown-ivy@example.com", ip });

    const recent = await recentAudit(t.db, { limit: 2 });
    expect(recent.map((r) => r.action)).toEqual(["auth.login", "auth.login_failed"]);
    expect(recent[0]).toMatchObject({ userId: ivy.id, userEmail: "ivy@example.com" });
    expect(recent[1]).toMatchObject({ userId: null, userEmail: null });
    const older = await recentAudit(t.db, { limit: 1, before: recent[1].id });
    expect(older[0]).toMatchObject({ action: "auth.login_failed", userEmail: "ivy@example.com" });

    // audit() returns a Prisma promise that can join a transaction with the change it describes
    const [, row] = await t.db.$transaction([
      t.db.user.update({ where: { id: ivy.id }, data: { role: "responder" } }),
      audit(t.db, { userId: ivy.id, action: "user.update", target: `user:${ivy.id}` }),
    ]);
    expect((await t.db.auditLog.findUniqueOrThrow({ where: { id: row.id } })).action).toBe("user.update");
  });
});

describe("cookies, request security and permissions", () => {
  it("builds a session cookie and its removal", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const expires = new Date(now.getTime() + SESSION_TTL_MS);
    const c = sessionCookie("tok", expires, { secure: false, now });
    expect(c).toBe("status_session=tok; Path=/; HttpOnly; SameSite=Lax; Expires=Tue, 01 Jan 2030 12:00:00 GMT; Max-Age=43200");
    expect(sessionCookie("tok", expires, { secure: true, now })).toMatch(/; Secure;/);
    expect(clearedSessionCookie({ secure: true })).toBe(
      "status_session=; Path=/; HttpOnly; SameSite=Lax; Secure; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0",
    );
  });

  it("knows an https request from the proxy header or PUBLIC_URL", () => {
    expect(isSecureRequest(new Headers({ "x-forwarded-proto": "https" }), "")).toBe(true);
    expect(isSecureRequest(new Headers({ "x-forwarded-proto": "https, http" }), "")).toBe(true);
    expect(isSecureRequest(new Headers({ "x-forwarded-proto": "http" }), "")).toBe(false);
    expect(isSecureRequest(new Headers(), "https://status.example.com")).toBe(true);
    expect(isSecureRequest(new Headers(), "http://status.example.com")).toBe(false);
    expect(isSecureRequest(new Headers(), "")).toBe(false);
  });

  it("maps permissions to roles", () => {
    expect(can("responder", "incident.write")).toBe(true);
    expect(can("responder", "maintenance.write")).toBe(true);
    for (const p of ["channel.write", "user.write", "audit.read", "outbox.retry"] as const) {
      expect(can("admin", p)).toBe(true);
      expect(can("responder", p)).toBe(false);
    }
    expect(can("root", "incident.write")).toBe(false);
    expect(can(null, "incident.write")).toBe(false);
    expect(can("admin", "toString" as never)).toBe(false);
    expect([isRole("admin"), isRole("responder"), isRole("Admin"), isRole(undefined)]).toEqual([true, true, false, false]);
  });
});
