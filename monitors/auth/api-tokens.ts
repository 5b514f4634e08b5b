import type { Db } from "../store/client";
import { newToken, tokenHash } from "./session-token";
import { storedScopes, type ApiScope } from "./api-scopes";

/** A recognisable prefix, so a secret pasted somewhere it should not be is easy to grep for. */
export const API_TOKEN_PREFIX = "ors_";
const SHAPE = /^ors_[A-Za-z0-9_-]{43}$/;

/** A new secret (shown once) and the hash the database keeps instead. */
export function newApiTokenSecret(): { secret: string; hash: string } {
  const secret = API_TOKEN_PREFIX + newToken();
  return { secret, hash: tokenHash(secret) };
}

export interface ApiCaller {
  tokenId: number;
  name: string;
  scopes: ApiScope[];
}

export type TokenCheck = { ok: true; caller: ApiCaller } | { ok: false; error: string };

/** Last use is written at most this often per token. */
const LAST_USED_PRECISION_MS = 60_000;

/**
 * The token behind an `Authorization: Bearer …` header, or why there is none. The answer never
 * repeats the header's value, so it can be logged or shown without leaking a secret.
 */
export async function authenticateApiToken(db: Db, authorization: string | null, now = new Date()): Promise<TokenCheck> {
  if (!authorization) return { ok: false, error: "missing token: send Authorization: Bearer <token>" };
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (!m) return { ok: false, error: "the Authorization header must be Bearer <token>" };
  if (!SHAPE.test(m[1])) return { ok: false, error: "unknown token" };
  const row = await db.apiToken.findUnique({
    where: { tokenHash: tokenHash(m[1]) },
    select: { id: true, name: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true },
  });
  if (!row) return { ok: false, error: "unknown token" };
  if (row.revokedAt) return { ok: false, error: `token "${row.name}" was revoked` };
  if (row.expiresAt && row.expiresAt <= now) return { ok: false, error: `token "${row.name}" expired at ${row.expiresAt.toISOString()}` };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { ok: true, caller: { tokenId: row.id, name: row.name, scopes: storedScopes(row.scopes) } };
}
