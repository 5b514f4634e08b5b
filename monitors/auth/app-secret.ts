import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../store/client";
import type { Env } from "../config/secrets";

const SETTING_KEY = "app-secret";
let cached: Buffer | null = null;

/**
 * The key for tokens the service derives instead of storing (unsubscribe links). APP_SECRET
 * wins; otherwise a random key is created once and kept in the database, so every web node
 * and agent derives the same tokens without configuration.
 */
export async function appSecret(db: Pick<Db, "setting">, env: Env = process.env): Promise<Buffer> {
  if (env.APP_SECRET) return Buffer.from(env.APP_SECRET, "utf8");
  if (cached) return cached;
  const existing = await db.setting.findUnique({ where: { key: SETTING_KEY } });
  if (existing && typeof existing.value === "string") {
    cached = Buffer.from(existing.value, "base64url");
    return cached;
  }
  const fresh = randomBytes(32).toString("base64url");
  // Two processes may race here: the upsert keeps whichever wrote first.
  await db.setting.upsert({ where: { key: SETTING_KEY }, create: { key: SETTING_KEY, value: fresh }, update: {} });
  const row = await db.setting.findUniqueOrThrow({ where: { key: SETTING_KEY } });
  // Not cached yet: inside a transaction that rolls back, this key never existed.
  return Buffer.from(String(row.value), "base64url");
}

/** A token bound to `purpose` and `subject`, verifiable without storing it. */
export function deriveToken(secret: Buffer, purpose: string, subject: string | number): string {
  return createHmac("sha256", secret).update(`${purpose}:${subject}`).digest("base64url");
}

export function tokenMatches(secret: Buffer, purpose: string, subject: string | number, token: string): boolean {
  const expected = Buffer.from(deriveToken(secret, purpose, subject));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
