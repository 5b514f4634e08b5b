import pg from "pg";

/**
 * Direct `pg` access for the agent's hot path on PostgreSQL. Prisma's adapter runs on the same
 * pool; the statements that run for every check (region checks, slot decisions, batch writes,
 * lease renewal) go straight to it as named prepared statements that take whole columns as arrays
 * (`unnest`), skipping Prisma's query compiler and runtime (BENCHMARKS.md, "Scale on PostgreSQL").
 */
const pools = new WeakMap<object, pg.Pool>();

export function registerPgPool(db: object, pool: pg.Pool): void {
  pools.set(db, pool);
}

/** The pool under a client openDatabase made for PostgreSQL; null on SQLite. */
export function pgPoolOf(db: object): pg.Pool | null {
  return pools.get(db) ?? null;
}

/** Like pgPoolOf, for code that runs only on PostgreSQL (regions, leases). */
export function requirePgPool(db: object, what: string): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error(`${what} needs a PostgreSQL client made by openDatabase (DATABASE_URL=postgresql://…)`);
  return pool;
}

const TIMESTAMP_OID = 1114;
const INT8_OID = 20;
/** timestamp(3) columns hold UTC (as Prisma writes them): read as UTC whatever the process's TZ. */
const parseUtcTimestamp = (text: string) => new Date(`${text.replace(" ", "T")}Z`);

/** Given per query, so Prisma's adapter (which brings its own parsers) is not affected. */
const HOT_PATH_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === TIMESTAMP_OID) return parseUtcTimestamp;
    if (oid === INT8_OID) return Number;
    return pg.types.getTypeParser(oid, format ?? "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/** A timestamp parameter (alone or in an array) as UTC text; PostgreSQL ignores the "Z" for timestamp columns. */
export const utcText = (ms: number | Date) => new Date(ms).toISOString();

/** A statement with a fixed text: prepared once per connection under its name, then only bound and run. */
export interface PreparedStatement {
  name: string;
  text: string;
}

export interface PgSession {
  query<T = Record<string, unknown>>(statement: PreparedStatement, values: unknown[]): Promise<T[]>;
}

function sessionOn(client: pg.Pool | pg.PoolClient): PgSession {
  return {
    async query<T>(statement: PreparedStatement, values: unknown[]) {
      const r = await client.query({ name: statement.name, text: statement.text, values, types: HOT_PATH_TYPES });
      return r.rows as T[];
    },
  };
}

/** Statements on any connection of the pool, each on its own (autocommit). */
export function pgSession(pool: pg.Pool): PgSession {
  return sessionOn(pool);
}

/** Runs `fn` in one transaction on one connection; rolls back if it throws. */
export async function pgTransaction<T>(pool: pg.Pool, fn: (s: PgSession) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("BEGIN");
    const result = await fn(sessionOn(client));
    await client.query("COMMIT");
    return result;
  } catch (err) {
    // A connection that cannot even roll back is not given back to the pool.
    await client.query("ROLLBACK").catch(() => (broken = true));
    throw err;
  } finally {
    client.release(broken);
  }
}
