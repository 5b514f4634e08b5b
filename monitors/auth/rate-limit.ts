import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";

// Everything but hit() also runs inside a caller's interactive transaction.
type DbOrTx = Db | Prisma.TransactionClient;

export interface HitResult {
  /** False once the window has seen more than `limit` hits. */
  allowed: boolean;
  remaining: number;
  resetAt: Date;
  /** Hits in the current window, this one included. */
  count: number;
}

/**
 * Counts one hit against `key` in a fixed window of `windowMs` that starts at the first hit.
 * Both statements are conditional writes that the database applies atomically (no read, then
 * write), so concurrent hits from several web processes never lose a count, on SQLite or
 * PostgreSQL alike, and without raw SQL whose timestamp encoding would differ per provider.
 */
export async function hit(db: Db, key: string, opts: { limit: number; windowMs: number; now?: Date }): Promise<HitResult> {
  const now = opts.now ?? new Date();
  const fresh = new Date(now.getTime() + opts.windowMs);
  const [, row] = await db.$transaction([
    // An expired window restarts at zero; a live one is left alone.
    db.rateLimit.updateMany({ where: { key, resetAt: { lte: now } }, data: { count: 0, resetAt: fresh } }),
    // A single unique-key upsert is INSERT … ON CONFLICT DO UPDATE on both providers.
    db.rateLimit.upsert({ where: { key }, create: { key, count: 1, resetAt: fresh }, update: { count: { increment: 1 } } }),
  ]);
  return { allowed: row.count <= opts.limit, remaining: Math.max(0, opts.limit - row.count), resetAt: row.resetAt, count: row.count };
}

/** The live window of `key` without counting a hit, or null when there is none (or it has expired). */
export async function peek(db: DbOrTx, key: string, now = new Date()): Promise<{ count: number; resetAt: Date } | null> {
  const row = await db.rateLimit.findUnique({ where: { key } });
  return row && row.resetAt > now ? { count: row.count, resetAt: row.resetAt } : null;
}

/** Moves the end of `key`'s current window, for a counter that should hold once it is reached (a lockout). */
export async function extendWindow(db: DbOrTx, key: string, resetAt: Date): Promise<void> {
  await db.rateLimit.updateMany({ where: { key }, data: { resetAt } });
}

export async function clear(db: DbOrTx, key: string): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key } });
}

/** Deletes expired windows (for housekeeping); an expired row means the same as no row. */
export async function purgeExpired(db: DbOrTx, now = new Date()): Promise<number> {
  const r = await db.rateLimit.deleteMany({ where: { resetAt: { lte: now } } });
  return r.count;
}
