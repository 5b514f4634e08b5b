import { Prisma } from "@prisma/client";
import { providerOf, type Db } from "./client";
import { multiRowStatements } from "./multi-row";

export interface ResultRow {
  monitorId: number;
  slot: number;
  region: string;
  latenessMs: number;
  status: string;
  effective: string;
  totalMs: number | null;
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  firstByteMs: number | null;
  errorClass: string | null;
  error: string | null;
  details: Record<string, unknown> | null;
}

const ROWS_PER_STATEMENT = 500;
const INSERT = `INSERT INTO "CheckResult" ("monitorId", "slot", "region", "latenessMs", "status", "effective", "totalMs", "dnsMs", "connectMs", "tlsMs", "firstByteMs", "errorClass", "error", "details") VALUES `;

const ms = (v: number | null) => (v === null ? null : Math.round(v));

/** The multi-row INSERT statements of a batch of results (see multiRowStatements). */
export function resultInsertStatements(db: Db | Prisma.TransactionClient, rows: ResultRow[]) {
  // A text parameter does not turn into jsonb by itself on PostgreSQL; SQLite stores JSON as text.
  const json = providerOf(db) === "postgresql" ? (v: string | null) => Prisma.sql`${v}::jsonb` : (v: string | null) => Prisma.sql`${v}`;
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
