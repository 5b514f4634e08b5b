import { PrismaClient, type Prisma } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { registerPgPool } from "./pg-direct";
import { ensureSqliteFolder, resolveDatabaseTarget, type DatabaseTarget } from "./database-url";

export type Db = PrismaClient;
/** A client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Prisma.TransactionClient;

/** Shared with prisma.config.ts so migrations and the app store timestamps alike. */
export const SQLITE_TIMESTAMP_FORMAT = "unixepoch-ms" as const;

/**
 * How long SQLite waits for a competing writer before SQLITE_BUSY. better-sqlite3 waits
 * synchronously, freezing the event loop (and every probe timing in it), so the wait is
 * short and the result writer retries with backoff instead.
 */
const DEFAULT_BUSY_TIMEOUT_MS = 100;

/** Connections per process on PostgreSQL: the agent's writer, automation and outbox, and some reads. */
const DEFAULT_POOL_SIZE = 8;

/**
 * The PostgreSQL client, generated from the derived schema (scripts/prisma-schemas.mjs) into
 * prisma/postgresql/client: the same models, so it is used through the SQLite client's type. It is
 * loaded at run time from the project folder (every process runs there), not bundled by Next.js.
 */
function loadPostgresClient(): Promise<typeof import("../../prisma/postgresql/client/index.js")> {
  const file = join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "postgresql", "client", "index.js");
  return import(/* webpackIgnore: true */ /* turbopackIgnore: true */ pathToFileURL(file).href);
}

export async function openDatabase(
  url?: string,
  opts: { busyTimeoutMs?: number; poolSize?: number } = {},
): Promise<{ db: Db; target: DatabaseTarget }> {
  const target = resolveDatabaseTarget(url);
  if (target.provider === "postgresql") {
    // JIT off: the status page's uptime query (one statement of ~18 UNION ALL pieces) sits near
    // jit_above_cost and, when compiled, spends ~110 of its ~125 ms compiling (BENCHMARKS.md).
    // A connection string that sets its own options keeps them.
    const options = new URL(target.url).searchParams.has("options") ? undefined : "-c jit=off";
    // One pool for Prisma's adapter and the hot path's direct statements (pg-direct.ts).
    const pool = new pg.Pool({
      connectionString: target.url,
      options,
      max: opts.poolSize ?? Number(process.env.DATABASE_POOL_SIZE || DEFAULT_POOL_SIZE),
    });
    // An idle connection the server ends (a restart, a dropped test database) is replaced on the
    // next checkout; unhandled, its error event would end the process.
    pool.on("error", () => {});
    const { PrismaClient: PostgresPrismaClient } = await loadPostgresClient();
    const db = new PostgresPrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }) as unknown as Db;
    registerPgPool(db, pool);
    return { db, target };
  }
  ensureSqliteFolder(target);
  // Timestamps as integer milliseconds: 8 bytes instead of 24-character text, in rows and keys.
  const adapter = new PrismaBetterSQLite3(
    { url: target.filePath, timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS },
    { timestampFormat: SQLITE_TIMESTAMP_FORMAT },
  );
  const db = new PrismaClient({ adapter });
  // WAL lets the web process read while the agent writes; NORMAL sync is safe under WAL.
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  return { db, target };
}
