import { Prisma } from "@prisma/client";
import { dialectOf } from "./dialect";
import { executeSql } from "./raw-sql";

/** Keys of the advisory locks the processes take on PostgreSQL (transaction-scoped unless said). */
export const ADVISORY_LOCKS = {
  configSync: 72_707_101,
  incidentAutomation: 72_707_102,
  maintenanceSeries: 72_707_103,
  partitions: 72_707_104,
  /** Session-scoped (REINDEX CONCURRENTLY cannot run in a transaction): see packClosedPartitions. */
  partitionPacking: 72_707_105,
} as const;

/**
 * Serialises a transaction with every other one taking the same key, until it ends, on
 * PostgreSQL (pg_advisory_xact_lock). On SQLite a writing transaction is already alone.
 */
export async function lockForTransaction(tx: Prisma.TransactionClient, key: number): Promise<void> {
  if (!dialectOf(tx).advisoryLocks) return;
  await executeSql(tx, Prisma.sql`SELECT pg_advisory_xact_lock(${key})`);
}
