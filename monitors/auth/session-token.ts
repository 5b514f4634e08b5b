import { createHash, randomBytes } from "node:crypto";

/** A bearer token: 32 random bytes as base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * What the database stores instead of a token (sha256, hex), so a leaked database or backup
 * holds no usable session. A fast hash suffices: the token has 256 bits of entropy.
 */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What a token from a link can look like; anything else is refused before the database is asked. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;
