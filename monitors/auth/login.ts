import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import { audit } from "./audit";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { isRole } from "./permissions";
import { clear, extendWindow, hit } from "./rate-limit";
import { isKnownAddress, rememberAddress } from "./known-address";
import { createSession, type SessionUser } from "./sessions";
import { checkSecondFactor, SECOND_FACTOR_ERRORS } from "./second-factor";
import type { Env } from "../config/secrets";

const MIN = 60_000;

export const LOGIN_IP_LIMIT = { limit: 20, windowMs: 15 * MIN };
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MS = 15 * MIN;
export const WRONG_CREDENTIALS = "Wrong email or password.";

export type LoginResult =
  | { ok: true; user: SessionUser; token: string; expiresAt: Date }
  | { ok: false; error: string; retryAfterSec?: number };

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
  return {
    ok: false,
    error: `This account is locked after repeated failures. Try again in ${inMinutes(wait)}.`,
    retryAfterSec: Math.max(1, Math.ceil(wait / 1000)),
  };
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
 *
 * Every attempt is reserved in one atomic write before the password is hashed, so parallel
 * attempts cannot all slip past a lock that a slower check has not written yet: at most
 * LOCK_AFTER_FAILURES passwords are ever checked per window.
 *
 * The trade-off, written down in SECURITY.md: a per-account lock lets anyone who knows a
 * maintainer's email lock them out. So an address that signed in to the account within the last
 * 30 days counts its attempts on a counter of its own (same limit) and is not held by the
 * account's lock; a stranger's failures lock strangers out, not the maintainer's usual address.
 */
export async function login(
  db: Db,
  input: { email: string; password: string; code?: string; ip: string; now?: Date; env?: Env },
): Promise<LoginResult> {
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
    return {
      ok: false,
      error: `Too many attempts from this address. Try again in ${inMinutes(wait)}.`,
      retryAfterSec: Math.max(1, Math.ceil(wait / 1000)),
    };
  }

  const found = await db.user.findUnique({ where: { email } });
  // A disabled account, or one with a role this build does not know, is treated as unknown.
  const user = found && !found.disabledAt && isRole(found.role) ? found : null;
  const failed = (reason: string) =>
    audit(db, { userId: found?.id ?? null, action: "auth.login_failed", details: { email, ip, reason }, at: now });
  // Looked up for every attempt, account or not, so the two take the same steps.
  const known = (await isKnownAddress(db, found?.id ?? 0, ip, now)) && user !== null;
  const key = known ? knownAddressKey(email, ip) : emailKey(email);

  // The reservation: this attempt is counted before anything is checked.
  const attempt = await hit(db, key, { limit: LOCK_AFTER_FAILURES, windowMs: LOCK_MS, now });
  if (!attempt.allowed) {
    // Refused before the password is checked, so the lock is no oracle for guessing it.
    await failed("locked");
    return lockedResult(attempt.resetAt, now);
  }

  // An unknown address costs the same scrypt as a known one, so the answer's timing tells nothing.
  const right = user ? await verifyPassword(input.password, user.passwordHash) : await verifyAgainstDummy(input.password).then(() => false);
  // With two-factor on, the code is part of the attempt: a missing, wrong or replayed code is a
  // failure on the same reserved count, so codes cannot be guessed faster than passwords.
  const second =
    right && user?.totpSecret
      ? await checkSecondFactor(db, { id: user.id, totpSecret: user.totpSecret }, input.code, now, input.env)
      : null;
  if (!right || !user || (second && !second.ok)) {
    // The reserved attempt is the failure. The one that reaches the limit starts a full lock.
    const until = attempt.count >= LOCK_AFTER_FAILURES ? new Date(now.getTime() + LOCK_MS) : null;
    if (until) await extendWindow(db, key, until);
    if (user && !known)
      await db.user.update({ where: { id: user.id }, data: { failedLogins: attempt.count, ...(until ? { lockedUntil: until } : {}) } });
    const codeRefused = second && !second.ok ? second.reason : null;
    await failed(!found ? "unknown" : !user ? "disabled" : codeRefused ? `code-${codeRefused}` : "password");
    if (until) return lockedResult(until, now);
    return { ok: false, error: codeRefused ? SECOND_FACTOR_ERRORS[codeRefused] : WRONG_CREDENTIALS };
  }

  // Success ends the count it was reserved on (a known address's own, or the account's).
  if (known) await clear(db, key);
  else await resetLockout(db, email);
  // Always a new random token: a session id planted before login is never adopted.
  const session = await createSession(db, user.id, ip, now);
  await rememberAddress(db, user.id, ip, now);
  await audit(db, { userId: user.id, action: "auth.login", details: { ip, ...(second?.ok && { secondFactor: second.via }) }, at: now });
  return {
    ok: true,
    user: { id: user.id, email: user.email, role: user.role as SessionUser["role"], twoFactor: user.totpSecret !== null },
    token: session.token,
    expiresAt: session.expiresAt,
  };
}

// The counter of an address that signed in to the account before (see login()).
function knownAddressKey(email: string, ip: string): string {
  return `login-email-ip:${email}|${ip}`;
}
