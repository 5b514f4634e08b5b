import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import { multiRowInsert } from "./multi-row";
import type { PgSession } from "./pg-direct";
import { columnArrays, type TypedColumn, unnestInsert } from "./unnest";
import type { ResultRow } from "../evaluate/batch-plan";

const ROWS_PER_STATEMENT = 500;
const COLUMNS: readonly TypedColumn[] = [
  ["monitorId", "int"],
  ["slot", "timestamp(3)"],
  ["region", "text"],
  ["latenessMs", "float8"],
  ["status", "text"],
  ["effective", "text"],
  ["totalMs", "int"],
  ["dnsMs", "int"],
  ["connectMs", "int"],
  ["tlsMs", "int"],
  ["firstByteMs", "int"],
  ["errorClass", "text"],
  ["error", "text"],
  ["details", "jsonb"],
];
const INSERT_PG = unnestInsert("result_insert", "CheckResult", COLUMNS);

const ms = (v: number | null) => (v === null ? null : Math.round(v));

/** A result's column values; details as JSON text. */
function resultValues(r: ResultRow): unknown[] {
  return [
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
    r.details && Object.keys(r.details).length ? JSON.stringify(r.details) : null,
  ];
}

/** The multi-row INSERT statements of a batch of results (see multiRowStatements). */
export function resultInsertStatements(db: Db | Prisma.TransactionClient, rows: ResultRow[]) {
  return multiRowInsert(db, "CheckResult", COLUMNS, rows.map(resultValues), ROWS_PER_STATEMENT);
}

/** The batch's results in one prepared statement on PostgreSQL. */
export async function insertResultsPg(s: PgSession, rows: ResultRow[]): Promise<void> {
  if (rows.length) await s.query(INSERT_PG, columnArrays(rows.map(resultValues), COLUMNS.length));
}
