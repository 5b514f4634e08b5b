import { Prisma } from "@prisma/client";
import type { DatabaseTarget } from "./database-url";

export type Provider = DatabaseTarget["provider"];

/** What differs between the two databases, in one place: every other file asks its client's dialect. */
export interface Dialect {
  provider: Provider;
  /**
   * A Prisma.sql statement as text in the dialect's placeholder style ($1 or ?). The PostgreSQL
   * client has its own runtime, which does not recognise the SQLite runtime's Sql objects as
   * fragments, so raw statements cross over as text plus values.
   */
  statementText(q: Prisma.Sql): string;
  /** A text parameter stored into a JSON column (PostgreSQL does not turn text into jsonb by itself). */
  jsonParam(value: string | null): Prisma.Sql;
  /** Transactions can serialise on a key (pg_advisory_xact_lock); a SQLite writer is alone anyway. */
  advisoryLocks: boolean;
  /** Other processes can be told of a change (LISTEN/NOTIFY); SQLite has one web node. */
  changeNotifications: boolean;
  /** Several agents per region share monitors through leases, and regions decide slots by quorum. */
  regions: boolean;
}

const POSTGRESQL: Dialect = {
  provider: "postgresql",
  statementText: (q) => q.text,
  jsonParam: (value) => Prisma.sql`${value}::jsonb`,
  advisoryLocks: true,
  changeNotifications: true,
  regions: true,
};

const SQLITE: Dialect = {
  provider: "sqlite",
  statementText: (q) => q.sql,
  jsonParam: (value) => Prisma.sql`${value}`,
  advisoryLocks: false,
  changeNotifications: false,
  regions: false,
};

/**
 * The dialect of a client or of a transaction of it, as openDatabase chose it from DATABASE_URL.
 * Prisma keeps the generated schema's provider on the client (`_activeProvider`, which transaction
 * clients forward) and offers no public accessor; this is the one place that reads it.
 */
export function dialectOf(db: unknown): Dialect {
  return (db as { _activeProvider?: string })._activeProvider === "postgresql" ? POSTGRESQL : SQLITE;
}
