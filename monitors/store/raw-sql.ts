import { Prisma } from "@prisma/client";
import { providerOf } from "./client";

type RawCapable = Pick<Prisma.TransactionClient, "$executeRawUnsafe" | "$queryRawUnsafe">;

/**
 * Raw statements built with Prisma.sql, run on either client. The PostgreSQL client has its own
 * runtime, which does not recognise the SQLite runtime's Sql objects as fragments, so the
 * statement is handed over as text in the dialect's placeholder style ($1 or ?) with its values.
 */
export function executeSql(db: RawCapable, q: Prisma.Sql) {
  return db.$executeRawUnsafe(providerOf(db) === "postgresql" ? q.text : q.sql, ...q.values);
}

export function querySql<T>(db: RawCapable, q: Prisma.Sql) {
  return db.$queryRawUnsafe<T>(providerOf(db) === "postgresql" ? q.text : q.sql, ...q.values);
}
