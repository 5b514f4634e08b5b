import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import { isRole, type Role } from "./permissions";
import { newToken, tokenHash } from "./session-token";

export const SESSION_COOKIE = "status_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface SessionUser {
  id: number;
  email: string;
  role: Role;
  /** Two-factor (TOTP) is on for the account. */
  twoFactor: boolean;
}

/** Starts a session with a new random token; only its hash is stored. */
export async function createSession(
  db: Db | Prisma.TransactionClient,
  userId: number,
  ip?: string | null,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.session.create({ data: { tokenHash: tokenHash(token), userId, createdAt: now, expiresAt, ip: ip || null } });
  return { token, expiresAt };
}

/** The signed-in user for a cookie token, or null when it is missing, unknown, expired, or the account is disabled. */
export async function sessionUser(db: Db, token: string | undefined | null, now = new Date()): Promise<SessionUser | null> {
  if (!token) return null;
  const hash = tokenHash(token);
  const session = await db.session.findUnique({
    where: { tokenHash: hash },
    select: { expiresAt: true, user: { select: { id: true, email: true, role: true, disabledAt: true, totpSecret: true } } },
  });
  if (!session) return null;
  const { user } = session;
  if (session.expiresAt <= now || user.disabledAt || !isRole(user.role)) {
    // deleteMany: a concurrent request may have removed it already.
    await db.session.deleteMany({ where: { tokenHash: hash } });
    return null;
  }
  return { id: user.id, email: user.email, role: user.role, twoFactor: user.totpSecret !== null };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: tokenHash(token) } });
}

/** Signs a user out everywhere (password change, account disabled); returns how many sessions ended. */
export async function deleteUserSessions(db: Db | Prisma.TransactionClient, userId: number): Promise<number> {
  const r = await db.session.deleteMany({ where: { userId } });
  return r.count;
}

// HttpOnly keeps scripts from reading the token; Lax keeps it off cross-site POSTs.
function attributes(secure: boolean): string {
  return `Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** The Set-Cookie header value for a session. */
export function sessionCookie(token: string, expiresAt: Date, opts: { secure: boolean; now?: Date }): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - (opts.now ?? new Date()).getTime()) / 1000));
  return `${SESSION_COOKIE}=${token}; ${attributes(opts.secure)}; Expires=${expiresAt.toUTCString()}; Max-Age=${maxAge}`;
}

/** The Set-Cookie header value that removes the session cookie (sign out). */
export function clearedSessionCookie(opts: { secure: boolean }): string {
  return `${SESSION_COOKIE}=; ${attributes(opts.secure)}; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0`;
}

/**
 * Whether the browser reached us over HTTPS, so cookies get Secure: a proxy says so with
 * X-Forwarded-Proto, or PUBLIC_URL declares an https site.
 */
export function isSecureRequest(
  headers: { get(name: string): string | null },
  publicUrl: string | undefined = process.env.PUBLIC_URL,
): boolean {
  const proto = (headers.get("x-forwarded-proto") ?? "").split(",")[0].trim().toLowerCase();
  return proto === "https" || /^https:/i.test(publicUrl ?? "");
}
