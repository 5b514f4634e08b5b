import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { ensureSqliteFolder, resolveDatabaseTarget, type DatabaseTarget } from "./database-url";

export type Db = PrismaClient;

/** Shared with prisma.config.ts so migrations and the app store timestamps alike. */
export const SQLITE_TIMESTAMP_FORMAT = "unixepoch-ms" as const;

/**
 * How long SQLite waits for a competing writer before SQLITE_BUSY. better-sqlite3 waits
 * synchronously, freezing the event loop (and every probe timing in it), so the wait is
 * short and the result writer retries with backoff instead.
 */
const DEFAULT_BUSY_TIMEOUT_MS = 100;

export async function openDatabase(url?: string, opts: { busyTimeoutMs?: number } = {}): Promise<{ db: Db; target: DatabaseTarget }> {
  const target = resolveDatabaseTarget(url);
  if (target.provider !== "sqlite") {
    throw new Error("PostgreSQL support is not available in this build; use a file: DATABASE_URL");
  }
  ensureSqliteFolder(target);
  // Timestamps as integer milliseconds: 8 bytes instead of 24-character text, in rows and keys.
  const adapter = new PrismaBetterSQLite3({ url: target.filePath, timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS }, { timestampFormat: SQLITE_TIMESTAMP_FORMAT });
  const db = new PrismaClient({ adapter });
  // WAL lets the web process read while the agent writes; NORMAL sync is safe under WAL.
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  return { db, target };
}
