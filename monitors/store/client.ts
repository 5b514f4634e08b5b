import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { ensureSqliteFolder, resolveDatabaseTarget, type DatabaseTarget } from "./database-url";

export type Db = PrismaClient;

/** SQLite waits this long for a competing writer before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

export async function openDatabase(url?: string): Promise<{ db: Db; target: DatabaseTarget }> {
  const target = resolveDatabaseTarget(url);
  if (target.provider !== "sqlite") {
    throw new Error("PostgreSQL support is not available in this build; use a file: DATABASE_URL");
  }
  ensureSqliteFolder(target);
  const adapter = new PrismaBetterSQLite3({ url: target.filePath, timeout: BUSY_TIMEOUT_MS });
  const db = new PrismaClient({ adapter });
  // WAL lets the web process read while the agent writes; NORMAL sync is safe under WAL.
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  return { db, target };
}
