import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import { multiRowInsert } from "./multi-row";
import type { PgSession } from "./pg-direct";
import { columnArrays, type TypedColumn, unnestInsert } from "./unnest";

const ROWS_PER_STATEMENT = 500;

/** One monitor's live state as a batch leaves it (the MonitorState row). */
export interface MonitorStateRow {
  monitorId: number;
  status: string;
  since: number | null;
  lastSlot: number;
  lastStatus: string;
  lastLatencyMs: number | null;
  lastLatenessMs: number;
  lastError: string | null;
  pending: unknown;
  /** Only a TLS check knows it; null keeps the stored value. */
  certExpiresAt: Date | null;
}

const COLUMNS: readonly TypedColumn[] = [
  ["monitorId", "int"],
  ["status", "text"],
  ["since", "timestamp(3)"],
  ["lastSlot", "timestamp(3)"],
  ["lastStatus", "text"],
  ["lastLatencyMs", "float8"],
  ["lastLatenessMs", "float8"],
  ["lastError", "text"],
  ["pending", "jsonb"],
  ["certExpiresAt", "timestamp(3)"],
  ["updatedAt", "timestamp(3)"],
];
const ON_CONFLICT =
  ` ON CONFLICT ("monitorId") DO UPDATE SET ` +
  COLUMNS.slice(1)
    .map(([c]) =>
      c === "certExpiresAt"
        ? `"certExpiresAt" = COALESCE(excluded."certExpiresAt", "MonitorState"."certExpiresAt")`
        : `"${c}" = excluded."${c}"`,
    )
    .join(", ");
const UPSERT_PG = unnestInsert("state_upsert", "MonitorState", COLUMNS, ON_CONFLICT);

/** A state's column values; pending as JSON text. */
function stateValues(s: MonitorStateRow, updatedAt: Date): unknown[] {
  return [
    s.monitorId,
    s.status,
    s.since === null ? null : new Date(s.since),
    new Date(s.lastSlot),
    s.lastStatus,
    s.lastLatencyMs,
    s.lastLatenessMs,
    s.lastError,
    JSON.stringify(s.pending),
    s.certExpiresAt,
    updatedAt,
  ];
}

/**
 * The monitors' states of a batch in multi-row upserts (one statement per 500 monitors) instead of
 * one Prisma upsert per monitor, whose query compiler cost is paid on every check.
 */
export function stateUpsertStatements(db: Db | Prisma.TransactionClient, rows: MonitorStateRow[]) {
  const updatedAt = new Date();
  return multiRowInsert(
    db,
    "MonitorState",
    COLUMNS,
    rows.map((s) => stateValues(s, updatedAt)),
    ROWS_PER_STATEMENT,
    ON_CONFLICT,
  );
}

/** The same upsert in one prepared statement on PostgreSQL. */
export async function upsertStatesPg(s: PgSession, rows: MonitorStateRow[]): Promise<void> {
  const updatedAt = new Date();
  if (rows.length)
    await s.query(
      UPSERT_PG,
      columnArrays(
        rows.map((r) => stateValues(r, updatedAt)),
        COLUMNS.length,
      ),
    );
}
