import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";

export interface AuditEntry {
  /** Who did it; null for the command line, the system, or an unknown login. */
  userId: number | null;
  /** The management API token that did it (its name is the author), if any. */
  apiTokenId?: number | null;
  /** Dotted name, for example "auth.login" or "user.create". */
  action: string;
  /** What it was done to, for example "user:3" or "incident:12". */
  target?: string | null;
  details?: Prisma.InputJsonValue;
  at?: Date;
}

/**
 * Records an action. Returns the unawaited Prisma promise, so a caller can put the row in the
 * same `$transaction([...])` as the change it describes, or await it on its own.
 */
export function audit(db: Db | Prisma.TransactionClient, entry: AuditEntry): Prisma.PrismaPromise<{ id: number }> {
  return db.auditLog.create({
    data: {
      userId: entry.userId,
      apiTokenId: entry.apiTokenId ?? null,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details,
      at: entry.at,
    },
    select: { id: true },
  });
}

export interface AuditRow {
  id: number;
  at: Date;
  action: string;
  target: string | null;
  details: Prisma.JsonValue | null;
  userId: number | null;
  userEmail: string | null;
  /** The API token's name when a token did it. */
  tokenName: string | null;
}

const MAX_LIMIT = 500;

/** Newest entries first; `before` is an entry id, to page back from the last row shown. */
export async function recentAudit(db: Db, opts: { limit: number; before?: number }): Promise<AuditRow[]> {
  const take = Math.min(Math.max(1, Math.floor(opts.limit) || 1), MAX_LIMIT);
  const rows = await db.auditLog.findMany({
    where: opts.before !== undefined ? { id: { lt: opts.before } } : undefined,
    // id, not `at`: ids are unique and increase with time, so pages never skip or repeat rows.
    orderBy: { id: "desc" },
    take,
    include: { user: { select: { email: true } }, apiToken: { select: { name: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    action: r.action,
    target: r.target,
    details: r.details,
    userId: r.userId,
    userEmail: r.user?.email ?? null,
    tokenName: r.apiToken?.name ?? null,
  }));
}
