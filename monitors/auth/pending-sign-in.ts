import type { Db } from "../store/client";
import type { Env } from "../core/env";
import { audit } from "./audit";
import { clear, extendWindow, hit } from "./rate-limit";
import { rememberAddress } from "./known-address";
import { createSession, type SessionUser } from "./sessions";
import { checkSecondFactor, SECOND_FACTOR_ERRORS } from "./second-factor";
import { newToken, tokenHash } from "./session-token";
import { isRole } from "./permissions";
import { LOCK_AFTER_FAILURES, LOCK_MS, type LoginResult } from "./login";

/**
 * A GitHub sign-in to an account with two-factor on stops here, before any session: GitHub stands
 * in for the password, never for the second factor. The browser holds a random token (its hash is
 * in PendingSignIn) for a few minutes and sends it with the code from /admin/login/code.
 */
export const PENDING_COOKIE = "status_pending_sign_in";
export const PENDING_TTL_MS = 5 * 60_000;

export const PENDING_GONE =
  "Your sign-in with GitHub is no longer waiting for a code (it lasts 5 minutes, or too many codes were wrong). Sign in with GitHub again.";

// Its own counter, not the password's: only someone who got through GitHub as this maintainer can
// reach it, so strangers who know the email cannot lock the maintainer out of GitHub sign-in.
function codeKey(userId: number): string {
  return `login-github-code:${userId}`;
}

export async function startPendingSignIn(db: Db, userId: number, ip: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + PENDING_TTL_MS);
  await db.pendingSignIn.create({ data: { tokenHash: tokenHash(token), userId, expiresAt, ip } });
  return { token, expiresAt };
}

function attributes(secure: boolean): string {
  return `Path=/admin; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function pendingCookie(token: string, opts: { secure: boolean }): string {
  return `${PENDING_COOKIE}=${token}; ${attributes(opts.secure)}; Max-Age=${PENDING_TTL_MS / 1000}`;
}

export function clearedPendingCookie(opts: { secure: boolean }): string {
  return `${PENDING_COOKIE}=; ${attributes(opts.secure)}; Max-Age=0`;
}

/** Checks the two-factor code of a waiting GitHub sign-in; on success the waiting row is used up and a session starts. */
export async function finishPendingSignIn(
  db: Db,
  input: { token: string | undefined; code: string | undefined; ip: string; now?: Date; env?: Env },
): Promise<LoginResult> {
  const now = input.now ?? new Date();
  const hash = input.token ? tokenHash(input.token) : null;
  const row = hash ? await db.pendingSignIn.findUnique({ where: { tokenHash: hash }, include: { user: true } }) : null;
  if (!hash || !row || row.expiresAt <= now || row.user.disabledAt || !isRole(row.user.role)) {
    if (hash) await db.pendingSignIn.deleteMany({ where: { tokenHash: hash } });
    return { ok: false, error: PENDING_GONE };
  }
  const { user } = row;
  const failed = (reason: string) =>
    audit(db, {
      userId: user.id,
      action: "auth.login_failed",
      details: { email: user.email, ip: input.ip, via: "github", reason },
      at: now,
    });
  const key = codeKey(user.id);
  const attempt = await hit(db, key, { limit: LOCK_AFTER_FAILURES, windowMs: LOCK_MS, now });
  if (!attempt.allowed) {
    await db.pendingSignIn.deleteMany({ where: { tokenHash: hash } });
    await failed("locked");
    return { ok: false, error: PENDING_GONE };
  }
  // Two-factor turned off (by reset-2fa) while the sign-in waited: GitHub alone is then what password sign-in would ask.
  const second = user.totpSecret
    ? await checkSecondFactor(db, { id: user.id, totpSecret: user.totpSecret }, input.code, now, input.env)
    : null;
  if (second && !second.ok) {
    await failed(`code-${second.reason}`);
    if (attempt.count >= LOCK_AFTER_FAILURES) {
      await extendWindow(db, key, new Date(now.getTime() + LOCK_MS));
      await db.pendingSignIn.deleteMany({ where: { tokenHash: hash } });
      return { ok: false, error: PENDING_GONE };
    }
    return { ok: false, error: SECOND_FACTOR_ERRORS[second.reason] };
  }
  // Used once: of two requests with the same token, one gets the session.
  const used = await db.pendingSignIn.deleteMany({ where: { tokenHash: hash } });
  if (used.count !== 1) return { ok: false, error: PENDING_GONE };
  await clear(db, key);
  const session = await createSession(db, user.id, input.ip, now);
  await rememberAddress(db, user.id, input.ip, now);
  await audit(db, {
    userId: user.id,
    action: "auth.login",
    details: { ip: input.ip, via: "github", githubLogin: user.githubLogin, ...(second?.ok && { secondFactor: second.via }) },
    at: now,
  });
  const sessionUser: SessionUser = {
    id: user.id,
    email: user.email,
    role: user.role as SessionUser["role"],
    twoFactor: user.totpSecret !== null,
  };
  return { ok: true, user: sessionUser, token: session.token, expiresAt: session.expiresAt };
}
