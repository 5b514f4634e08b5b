import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import { audit } from "./audit";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { isRole } from "./permissions";
import { clear, extendWindow, hit, peek } from "./rate-limit";
import { createSession, type SessionUser } from "./sessions";

const MIN = 60_000;

export const LOGIN_IP_LIMIT = { limit: 20, windowMs: 15 * MIN };
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MS = 15 * MIN;
export const WRONG_CREDENTIALS = "Wrong email or password.";

export type LoginResult = { ok: true; user: SessionUser; token: string; expiresAt: Date } | { ok: false; error: string; retryAfterSec?: number };

/** How emails are compared everywhere: accounts are stored in this form. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Failures per email live in one rate-limit window for every email, known or not, so a real
// account and an unknown address count, lock and unlock alike and cannot be told apart.
function emailKey(email: string): string {
  return `login-email:${email}`;
}

function inMinutes(ms: number): string {
  const n = Math.max(1, Math.ceil(ms / MIN));
  return `${n} minute${n === 1 ? "" : "s"}`;
}

function lockedResult(until: Date, now: Date): LoginResult {
  const wait = until.getTime() - now.getTime();
  return { ok: false, error: `This account is locked after repeated failures. Try again in ${inMinutes(wait)}.`, retryAfterSec: Math.max(1, Math.ceil(wait / 1000)) };
}

/** Clears an account's failure count and lock (on success, when a lock expires, or when an admin sets a new password). */
export async function resetLockout(db: Db | Prisma.TransactionClient, email: string): Promise<void> {
  const addr = normaliseEmail(email);
  await db.user.updateMany({ where: { email: addr }, data: { failedLogins: 0, lockedUntil: null } });
  await clear(db, emailKey(addr));
}

/**
 * Checks a password and starts a new session. Unknown, disabled and wrong-password attempts get
 * the same answer in about the same time; 5 failures for one email within 15 minutes lock it for
 * 15 minutes whether or not an account exists; 20 attempts per IP per 15 minutes.
 */
export async function login(db: Db, input: { email: string; password: string; ip: string; now?: Date }): Promise<LoginResult> {
  const now = input.now ?? new Date();
  const email = normaliseEmail(input.email);
  const ip = input.ip || "unknown";

  const byIp = await hit(db, `login-ip:${ip}`, { ...LOGIN_IP_LIMIT, now });
  if (!byIp.allowed) {
    // One row for the first refusal of a window, not one per request, so a flood cannot fill the log.
    if (byIp.count === LOGIN_IP_LIMIT.limit + 1) {
      await audit(db, { userId: null, action: "auth.login_failed", details: { email, ip, reason: "ip-limit" }, at: now });
    }
    const wait = byIp.resetAt.getTime() - now.getTime();
    return { ok: false, error: `Too many attempts from this address. Try again in ${inMinutes(wait)}.`, retryAfterSec: Math.max(1, Math.ceil(wait / 1000)) };
  }

  const user = await db.user.findUnique({ where: { email } });
  const failed = (reason: string) => audit(db, { userId: user?.id ?? null, action: "auth.login_failed", details: { email, ip, reason }, at: now });
  const key = emailKey(email);

  // A disabled account, or one with a role this build does not know, is treated as unknown.
  if (!user || user.disabledAt || !isRole(user.role)) {
    const held = await peek(db, key, now);
    if (held && held.count >= LOCK_AFTER_FAILURES) {
      await failed("locked");
      return lockedResult(held.resetAt, now);
    }
    await verifyAgainstDummy(input.password);
    return recordFailure(db, key, now, failed, user ? "disabled" : "unknown", async () => {});
  }

  if (user.lockedUntil && user.lockedUntil > now) {
    // Refused before the password is checked, so the lock is no oracle for guessing it.
    await failed("locked");
    return lockedResult(user.lockedUntil, now);
  }
  if (user.lockedUntil) await resetLockout(db, email);

  if (!(await verifyPassword(input.password, user.passwordHash))) {
    return recordFailure(db, key, now, failed, "password", async (count, until) => {
      await db.user.update({ where: { id: user.id }, data: { failedLogins: count, ...(until ? { lockedUntil: until } : {}) } });
    });
  }

  if (user.failedLogins > 0) await resetLockout(db, email);
  // Always a new random token: a session id planted before login is never adopted.
  const session = await createSession(db, user.id, ip, now);
  await audit(db, { userId: user.id, action: "auth.login", details: { ip }, at: now });
  return { ok: true, user: { id: user.id, email: user.email, role: user.role }, token: session.token, expiresAt: session.expiresAt };
}

async function recordFailure(
  db: Db,
  key: string,
  now: Date,
  failed: (reason: string) => Promise<unknown>,
  reason: string,
  onCount: (count: number, lockedUntil: Date | null) => Promise<void>,
): Promise<LoginResult> {
  const h = await hit(db, key, { limit: LOCK_AFTER_FAILURES, windowMs: LOCK_MS, now });
  // The lock lasts LOCK_MS from the failure that triggered it, for accounts and unknown emails alike.
  const until = h.count >= LOCK_AFTER_FAILURES ? new Date(now.getTime() + LOCK_MS) : null;
  if (until) await extendWindow(db, key, until);
  await onCount(h.count, until);
  await failed(reason);
  return until ? lockedResult(until, now) : { ok: false, error: WRONG_CREDENTIALS };
}
