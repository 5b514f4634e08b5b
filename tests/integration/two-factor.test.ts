import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { hashPassword } from "@/monitors/auth/password";
import { login, LOCK_AFTER_FAILURES } from "@/monitors/auth/login";
import { SECOND_FACTOR_ERRORS } from "@/monitors/auth/second-factor";
import { openSecret, totpCode } from "@/monitors/auth/totp";
import { appSecret } from "@/monitors/auth/app-secret";
import { handleAdminPost } from "@/monitors/admin/handle-admin-post";
import { accountTwoFactor } from "@/monitors/queries/account-two-factor";
import { qrCodeDataUrl } from "@/monitors/presentation/qr-code";
import { SESSION_COOKIE } from "@/monitors/auth/sessions";

const PASSWORD = "correct horse battery staple";
const ENV = { APP_SECRET: "two-factor-test-secret-0123456789abcdef" };
const LOCKED = /^This account is locked after repeated failures/;

describe("two-factor sign-in (TOTP)", () => {
  let t: TempDb;
  let ip = 0;
  const freshIp = () => `10.9.0.${++ip}`;

  /** A maintainer's POST to /admin/api/<action>, as the form sends it. */
  async function post(action: string, body: Record<string, unknown>, session: string | null, env: Record<string, string> = ENV) {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-status-request": "1",
      origin: "http://status.test",
      host: "status.test",
    };
    if (session) headers.cookie = `${SESSION_COOKIE}=${session}`;
    const res = await handleAdminPost(
      action,
      new Request(`http://status.test/admin/api/${action}`, { method: "POST", headers, body: JSON.stringify(body) }),
      t.db,
      env,
    );
    return { status: res.status, json: (await res.json()) as Record<string, unknown> & { errors?: Record<string, string> } };
  }

  async function signIn(email: string, code?: string, at = new Date()) {
    return login(t.db, { email, password: PASSWORD, code, ip: freshIp(), now: at, env: ENV });
  }

  /** Creates a user, signs in, and turns two-factor on through the commands; returns the key and recovery codes. */
  async function enrolled(email: string, role = "responder") {
    await t.db.user.create({ data: { email, role, passwordHash: await hashPassword(PASSWORD) } });
    const first = await signIn(email);
    if (!first.ok) throw new Error(first.error);
    expect((await post("account.2fa.begin", {}, first.token)).status).toBe(200);
    const user = await t.db.user.findUniqueOrThrow({ where: { email } });
    const secret = openSecret(user.totpPending!, await appSecret(t.db, ENV))!;
    const confirmed = await post("account.2fa.confirm", { code: totpCode(secret, Date.now()) }, first.token);
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
    const codes = (confirmed.json.data as { recoveryCodes: string[] }).recoveryCodes;
    return { secret, codes, user, session: first.token };
  }

  beforeAll(async () => {
    t = await createTempDb();
  });
  afterAll(async () => t.cleanup());

  it("enrols with a confirmed code; the key is stored sealed and the recovery codes as hashes", async () => {
    await t.db.user.create({ data: { email: "erin@example.com", role: "responder", passwordHash: await hashPassword(PASSWORD) } });
    const s = await signIn("erin@example.com");
    if (!s.ok) throw new Error(s.error);
    const erin = await t.db.user.findUniqueOrThrow({ where: { email: "erin@example.com" } });
    expect(await accountTwoFactor(t.db, erin.id, ENV)).toEqual({ state: "off" });
    // Confirming before starting is refused on the field.
    expect((await post("account.2fa.confirm", { code: "123456" }, s.token)).json.errors).toEqual({ code: "Start the setup first." });
    await post("account.2fa.begin", {}, s.token);
    const view = await accountTwoFactor(t.db, erin.id, ENV);
    if (view.state !== "pending") throw new Error(view.state);
    expect(view.uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(await qrCodeDataUrl(view.uri)).toMatch(/^data:image\/svg\+xml;base64,/);
    // A wrong code does not turn it on.
    const wrong = await post("account.2fa.confirm", { code: totpCode(view.secret, Date.now() - 10 * 60_000) }, s.token);
    expect(wrong.status).toBe(400);
    expect(wrong.json.errors?.code).toMatch(/does not match/);
    const right = await post("account.2fa.confirm", { code: totpCode(view.secret, Date.now()) }, s.token);
    expect(right.status).toBe(200);
    const codes = (right.json.data as { recoveryCodes: string[] }).recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(right.json.message).toContain(codes[0]);
    const stored = await t.db.user.findUniqueOrThrow({ where: { id: erin.id } });
    expect(stored.totpPending).toBeNull();
    expect(stored.totpSecret).not.toContain(view.secret);
    const hashes = JSON.stringify(await t.db.recoveryCode.findMany({ where: { userId: erin.id } }));
    for (const c of codes) expect(hashes).not.toContain(c);
    expect(await accountTwoFactor(t.db, erin.id, ENV)).toEqual({ state: "on", recoveryCodesLeft: 10 });
    // Starting again while it is on is refused.
    expect((await post("account.2fa.begin", {}, s.token)).json.errors?.form).toMatch(/on already/);
  });

  it("asks for the code, refuses a wrong one, accepts a right one once, and refuses its replay", async () => {
    const { secret } = await enrolled("finn@example.com");
    const missing = await signIn("finn@example.com");
    expect(missing).toMatchObject({ ok: false, error: SECOND_FACTOR_ERRORS.missing });
    const wrong = await signIn("finn@example.com", "000000");
    expect(wrong).toMatchObject({ ok: false, error: SECOND_FACTOR_ERRORS.wrong });
    // The confirming code's step is used; the next step's code signs in (the window allows one step ahead).
    const next = totpCode(secret, Date.now() + 30_000);
    const ok = await signIn("finn@example.com", next);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.user.twoFactor).toBe(true);
    expect(await signIn("finn@example.com", next)).toMatchObject({ ok: false, error: SECOND_FACTOR_ERRORS.replayed });
    // A wrong password with a right code is still just a wrong password.
    const wrongPassword = await login(t.db, {
      email: "finn@example.com",
      password: "nope",
      code: totpCode(secret, Date.now()),
      ip: freshIp(),
      env: ENV,
    });
    expect(wrongPassword).toMatchObject({ ok: false, error: "Wrong email or password." });
  });

  it("two requests with the same code at once: exactly one signs in", async () => {
    const { secret } = await enrolled("gus@example.com");
    const code = totpCode(secret, Date.now() + 30_000);
    const both = await Promise.all([signIn("gus@example.com", code), signIn("gus@example.com", code)]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
  });

  it("counts code failures with password failures: the fifth locks the account, even against a right code", async () => {
    const { secret } = await enrolled("hana@example.com");
    for (let i = 1; i < LOCK_AFTER_FAILURES; i++) expect((await signIn("hana@example.com", "111111")).ok).toBe(false);
    const fifth = await signIn("hana@example.com", "222222");
    expect(fifth).toMatchObject({ ok: false });
    if (!fifth.ok) expect(fifth.error).toMatch(LOCKED);
    const right = await signIn("hana@example.com", totpCode(secret, Date.now() + 30_000));
    expect(right.ok).toBe(false);
    if (!right.ok) expect(right.error).toMatch(LOCKED);
    const audit = await t.db.auditLog.findMany({ where: { action: "auth.login_failed" } });
    expect(audit.some((a) => JSON.stringify(a.details).includes("code-wrong"))).toBe(true);
  });

  it("a recovery code signs in once, in any case or spacing", async () => {
    const { codes, user } = await enrolled("ivo@example.com");
    const typed = codes[3].toUpperCase().replaceAll("-", " ");
    expect((await signIn("ivo@example.com", typed)).ok).toBe(true);
    expect(await signIn("ivo@example.com", codes[3])).toMatchObject({ ok: false, error: SECOND_FACTOR_ERRORS.wrong });
    expect(await accountTwoFactor(t.db, user.id, ENV)).toEqual({ state: "on", recoveryCodesLeft: 9 });
  });

  it("turning it off needs a current code", async () => {
    const { secret, session, user } = await enrolled("jo@example.com");
    const refused = await post("account.2fa.disable", { code: "123456" }, session);
    expect(refused.status).toBe(400);
    expect(refused.json.errors?.code).toBe(SECOND_FACTOR_ERRORS.wrong);
    const off = await post("account.2fa.disable", { code: totpCode(secret, Date.now() + 30_000) }, session);
    expect(off.status).toBe(200);
    expect(await accountTwoFactor(t.db, user.id, ENV)).toEqual({ state: "off" });
    expect(await t.db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await signIn("jo@example.com")).ok).toBe(true);
    const actions = (await t.db.auditLog.findMany({ where: { userId: user.id } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["auth.2fa_setup_started", "auth.2fa_enabled", "auth.2fa_disabled"]));
  });

  it("REQUIRE_2FA=1 holds an admin without two-factor to setting it up, and keeps it on", async () => {
    const strict = { ...ENV, REQUIRE_2FA: "1" };
    await t.db.user.create({ data: { email: "kai@example.com", role: "admin", passwordHash: await hashPassword(PASSWORD) } });
    const s = await signIn("kai@example.com");
    if (!s.ok) throw new Error(s.error);
    const held = await post("incident.create", { title: "x", status: "investigating", body: "y", impact: "minor" }, s.token, strict);
    expect(held.status).toBe(403);
    expect(held.json).toMatchObject({ redirect: "/admin/account" });
    expect(await t.db.incident.count()).toBe(0);
    // Setting it up is allowed; afterwards the admin is free.
    expect((await post("account.2fa.begin", {}, s.token, strict)).status).toBe(200);
    const kai = await t.db.user.findUniqueOrThrow({ where: { email: "kai@example.com" } });
    const secret = openSecret(kai.totpPending!, await appSecret(t.db, ENV))!;
    expect((await post("account.2fa.confirm", { code: totpCode(secret, Date.now()) }, s.token, strict)).status).toBe(200);
    const after = await post("incident.create", { title: "x", status: "investigating", body: "y", impact: "minor" }, s.token, strict);
    expect(after.status, JSON.stringify(after.json)).not.toBe(403);
    // It cannot be turned off while the rule holds.
    const off = await post("account.2fa.disable", { code: totpCode(secret, Date.now() + 30_000) }, s.token, strict);
    expect(off.json.errors?.form).toMatch(/REQUIRE_2FA=1/);
    // A responder is not held.
    const { session } = await enrolled("lee@example.com");
    await post("account.2fa.disable", { code: "x" }, session, strict);
    await t.db.user.create({ data: { email: "mo@example.com", role: "responder", passwordHash: await hashPassword(PASSWORD) } });
    const mo = await signIn("mo@example.com");
    if (!mo.ok) throw new Error(mo.error);
    const free = await post("incident.create", { title: "x", status: "investigating", body: "y", impact: "minor" }, mo.token, strict);
    expect(free.status).not.toBe(403);
  });

  it("refuses malformed codes on the form with a message naming the field", async () => {
    const { session } = await enrolled("nia@example.com");
    expect((await post("account.2fa.disable", {}, session)).json.errors?.code).toBeDefined();
    expect((await post("account.2fa.disable", { code: 123456 }, session)).json.errors?.code).toBe("must be text");
    expect((await post("account.2fa.disable", { code: "x".repeat(65) }, session)).json.errors?.code).toMatch(/at most 64/);
    const login400 = await post("login", { email: "nia@example.com", password: PASSWORD, code: ["1"] }, null);
    expect(login400.status).toBe(400);
    expect(login400.json.errors?.code).toBe("must be text");
  });
});
