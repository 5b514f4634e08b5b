import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import { dialectOf } from "./dialect";
import { multiRowStatements } from "./multi-row";
import type { ResultRow } from "../evaluate/batch-plan";

const ROWS_PER_STATEMENT = 500;
const INSERT = `INSERT INTO "CheckResult" ("monitorId", "slot", "region", "latenessMs", "status", "effective", "totalMs", "dnsMs", "connectMs", "tlsMs", "firstByteMs", "errorClass", "error", "details") VALUES `;

const ms = (v: number | null) => (v === null ? null : Math.round(v));

/** The multi-row INSERT statements of a batch of results (see multiRowStatements). */
export function resultInsertStatements(db: Db | Prisma.TransactionClient, rows: ResultRow[]) {
  const { jsonParam: json } = dialectOf(db);
  const values = rows.map((r) => [
    r.monitorId,
    new Date(r.slot),
    r.region,
    Math.round(r.latenessMs * 10) / 10,
    r.status,
    r.effective,
    ms(r.totalMs),
    ms(r.dnsMs),
    ms(r.connectMs),
    ms(r.tlsMs),
    ms(r.firstByteMs),
    r.errorClass,
    r.error,
    json(r.details && Object.keys(r.details).length ? JSON.stringify(r.details) : null),
  ]);
  return multiRowStatements(db, INSERT, values, ROWS_PER_STATEMENT);
}
