import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { runAdminCli } from "../helpers/admin-cli";
import { login } from "@/monitors/auth/login";

/** Runs the admin command line against a database; `input` is piped to stdin ("" = empty, not a terminal). */
const admin = (url: string, args: string[], input = "") => runAdminCli(url, args, input);

describe("admin command line", () => {
  let t: TempDb;
  let ip = 0;
  let bobPassword = "";
  const tryLogin = (email: string, password: string) => login(t.db, { email, password, ip: `10.1.0.${++ip}` });

  beforeAll(async () => {
    t = await createTempDb();
  });
  afterAll(async () => t.cleanup());

  it("creates a user with a piped password that can then log in", async () => {
    const r = admin(
      t.url,
      ["create-user", "--email", "Alice@Example.com", "--role", "admin"],
      "a piped password 123\nsecond line ignored\n",
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^created admin alice@example\.com \(id \d+\)\n$/);
    const result = await tryLogin("alice@example.com", "a piped password 123");
    expect(result).toMatchObject({ ok: true, user: { email: "alice@example.com", role: "admin" } });
    const rows = await t.db.auditLog.findMany({ where: { action: "user.create" } });
    expect(rows).toHaveLength(1);
    expect(rows[0].details).toMatchObject({ via: "cli" });
  });

  it("generates a password when none is piped, prints it once, and it works", async () => {
    const r = admin(t.url, ["create-user", "--email=bob@example.com", "--role=responder"]);
    expect(r.status).toBe(0);
    const password = /^password: (\S+)$/m.exec(r.stdout)?.[1];
    expect(password).toBeDefined();
    expect(password!.length).toBeGreaterThanOrEqual(20);
    expect(r.stdout.split(password!).length - 1).toBe(1);
    expect(r.stderr).not.toContain(password!);
    expect((await tryLogin("bob@example.com", password!)).ok).toBe(true);
    bobPassword = password!;
  });

  it.each([
    [["create-user", "--email", "carol@example.com", "--role", "root"], 'admin: --role must be admin or responder, got "root"'],
    [["create-user", "--email", "not-an-email", "--role", "admin"], 'admin: --email must be an email address, got "not-an-email"'],
    [["create-user", "--role", "admin"], "admin: --email is required"],
    [["create-user", "--email", "carol@example.com"], "admin: --role is required"],
    [["create-user", "--email", "carol@example.com", "--role", "admin", "--admin"], "admin: --admin is not a flag of create-user"],
    [["create-user", "--email", "ALICE@example.com", "--role", "admin"], "admin: --email alice@example.com is already taken"],
    [["set-password", "--email", "nobody@example.com"], "admin: --email: no user nobody@example.com"],
    [["frobnicate"], 'admin: unknown command "frobnicate"'],
  ])("refuses %j with exit 1 and names the flag", (args, message) => {
    const r = admin(t.url, args, "a long enough password\n");
    expect(r.status).toBe(1);
    expect(r.stderr.startsWith(message)).toBe(true);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("refuses a short password from stdin and creates nothing", async () => {
    const r = admin(t.url, ["create-user", "--email", "dan@example.com", "--role", "admin"], "short\n");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^admin: password on stdin: Password must be at least 12 characters/);
    expect(await t.db.user.count({ where: { email: "dan@example.com" } })).toBe(0);
  });

  it("sets a password, clearing the lockout and ending sessions", async () => {
    const first = await tryLogin("alice@example.com", "a piped password 123");
    if (!first.ok) throw new Error("login failed");
    await t.db.user.update({
      where: { email: "alice@example.com" },
      data: { failedLogins: 5, lockedUntil: new Date(Date.now() + 600_000) },
    });
    const sessions = await t.db.session.count({ where: { userId: first.user.id } });
    expect(sessions).toBeGreaterThanOrEqual(1);
    const r = admin(t.url, ["set-password", "--email", "alice@example.com"], "the new password 456\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `password set for alice@example.com (id ${first.user.id}); ${sessions} session${sessions === 1 ? "" : "s"} ended\n`,
    );
    const user = await t.db.user.findUniqueOrThrow({ where: { email: "alice@example.com" } });
    expect([user.failedLogins, user.lockedUntil]).toEqual([0, null]);
    expect(await t.db.session.count({ where: { userId: user.id } })).toBe(0);
    expect((await tryLogin("alice@example.com", "a piped password 123")).ok).toBe(false);
    expect((await tryLogin("alice@example.com", "the new password 456")).ok).toBe(true);
  });

  it("resets a lost second factor: two-factor off, recovery codes gone, sessions ended, audited", async () => {
    const bob = await t.db.user.findUniqueOrThrow({ where: { email: "bob@example.com" } });
    await t.db.user.update({ where: { id: bob.id }, data: { totpSecret: "v1.sealed", totpLastStep: 1 } });
    await t.db.recoveryCode.create({ data: { userId: bob.id, codeHash: "f".repeat(64) } });
    await t.db.session.create({
      data: { tokenHash: "reset-2fa-session", userId: bob.id, expiresAt: new Date(Date.now() + 60_000), ip: "x" },
    });
    const r = admin(t.url, ["reset-2fa", "--email", "bob@example.com"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^two-factor for bob@example\.com \(id \d+\) turned off; [1-9]\d* sessions? ended$/m);
    const after = await t.db.user.findUniqueOrThrow({ where: { id: bob.id } });
    expect([after.totpSecret, after.totpPending, after.totpLastStep]).toEqual([null, null, null]);
    expect(await t.db.recoveryCode.count({ where: { userId: bob.id } })).toBe(0);
    expect(await t.db.session.count({ where: { userId: bob.id } })).toBe(0);
    expect(await t.db.auditLog.count({ where: { action: "user.reset_2fa", target: `user:${bob.id}` } })).toBe(1);
    expect(admin(t.url, ["reset-2fa", "--email", "nobody@example.com"]).status).toBe(1);
  });

  it("disables a user, who then cannot log in", async () => {
    const r = admin(t.url, ["disable-user", "--email", "bob@example.com"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^disabled bob@example\.com/);
    const bob = await t.db.user.findUniqueOrThrow({ where: { email: "bob@example.com" } });
    expect(bob.disabledAt).not.toBeNull();
    expect(await t.db.session.count({ where: { userId: bob.id } })).toBe(0);
    expect(await tryLogin("bob@example.com", bobPassword)).toEqual({ ok: false, error: "Wrong email or password." });
  });

  it("refuses to disable the last active admin, as /admin does, and changes nothing", async () => {
    const r = admin(t.url, ["disable-user", "--email", "alice@example.com"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("admin: disable-user: the last admin cannot be disabled\n");
    const alice = await t.db.user.findUniqueOrThrow({ where: { email: "alice@example.com" } });
    expect(alice.disabledAt).toBeNull();
    expect(await t.db.auditLog.count({ where: { action: "user.disable", target: `user:${alice.id}` } })).toBe(0);
  });

  it("audits the command line's changes as made by no user, via the cli", async () => {
    const rows = await t.db.auditLog.findMany({ where: { action: { in: ["user.create", "user.disable"] } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.action, r.userId, r.details])).toEqual([
      ["user.create", null, { via: "cli", email: "alice@example.com", role: "admin" }],
      ["user.create", null, { via: "cli", email: "bob@example.com", role: "responder" }],
      ["user.disable", null, { via: "cli", email: "bob@example.com" }],
    ]);
  });

  it("lists users without password hashes", async () => {
    const r = admin(t.url, ["list-users"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/alice@example\.com\s+admin\s+active/);
    expect(r.stdout).toMatch(/bob@example\.com\s+responder\s+disabled/);
    expect(r.stdout).not.toContain("scrypt");
    for (const u of await t.db.user.findMany()) {
      expect(r.stdout).not.toContain(u.passwordHash.split("$").at(-1)!);
      expect(r.stdout).not.toContain(u.passwordHash.split("$").at(-2)!);
    }
  });

  it("prints usage for --help and asks for migrations on an empty database", () => {
    const help = admin(t.url, ["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("create-user --email E --role admin|responder");
    const dir = mkdtempSync(join(tmpdir(), "status-admin-"));
    try {
      const r = admin(`file:${join(dir, "empty.db")}`, ["list-users"]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("run npm run migrate first");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
