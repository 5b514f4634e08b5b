import type { Prisma } from "@prisma/client";
import { dialectOf } from "./dialect";

type RawCapable = Pick<Prisma.TransactionClient, "$executeRawUnsafe" | "$queryRawUnsafe">;

/** Raw statements built with Prisma.sql, run on either client (see Dialect.statementText). */
export function executeSql(db: RawCapable, q: Prisma.Sql) {
  return db.$executeRawUnsafe(dialectOf(db).statementText(q), ...q.values);
}

export function querySql<T>(db: RawCapable, q: Prisma.Sql) {
  return db.$queryRawUnsafe<T>(dialectOf(db).statementText(q), ...q.values);
}
