import type { Db } from "../store/client";
import { peek } from "./rate-limit";
import { HOUR_MS } from "../core/duration";

/** How long a successful sign-in makes its address "known" for that account. */
export const KNOWN_ADDRESS_MS = 30 * 24 * HOUR_MS;

// Kept in the RateLimit table (a key with an expiry is all this needs), so every web node sees it
// and housekeeping forgets it when it expires.
function knownKey(userId: number, ip: string): string {
  return `login-known:${userId}:${ip}`;
}

/** Records that `ip` signed in to this account just now. */
export async function rememberAddress(db: Db, userId: number, ip: string, now: Date): Promise<void> {
  if (ip === "unknown") return;
  const resetAt = new Date(now.getTime() + KNOWN_ADDRESS_MS);
  const key = knownKey(userId, ip);
  await db.rateLimit.upsert({ where: { key }, create: { key, count: 1, resetAt }, update: { resetAt } });
}

/** True when `ip` signed in to this account within KNOWN_ADDRESS_MS. */
export async function isKnownAddress(db: Db, userId: number, ip: string, now: Date): Promise<boolean> {
  if (ip === "unknown") return false;
  return (await peek(db, knownKey(userId, ip), now)) !== null;
}
