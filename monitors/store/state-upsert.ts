import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import { dialectOf } from "./dialect";
import { multiRowStatements } from "./multi-row";

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

const COLUMNS = [
  "monitorId",
  "status",
  "since",
  "lastSlot",
  "lastStatus",
  "lastLatencyMs",
  "lastLatenessMs",
  "lastError",
  "pending",
  "certExpiresAt",
  "updatedAt",
];
const INSERT = `INSERT INTO "MonitorState" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES `;
const ON_CONFLICT =
  ` ON CONFLICT ("monitorId") DO UPDATE SET ` +
  COLUMNS.slice(1)
    .map((c) =>
      c === "certExpiresAt"
        ? `"certExpiresAt" = COALESCE(excluded."certExpiresAt", "MonitorState"."certExpiresAt")`
        : `"${c}" = excluded."${c}"`,
    )
    .join(", ");

/**
 * The monitors' states of a batch in multi-row upserts (one statement per 500 monitors) instead of
 * one Prisma upsert per monitor, whose query compiler cost is paid on every check.
 */
export function stateUpsertStatements(db: Db | Prisma.TransactionClient, rows: MonitorStateRow[]) {
  const { jsonParam: json } = dialectOf(db);
  const updatedAt = new Date();
  const values = rows.map((s) => [
    s.monitorId,
    s.status,
    s.since === null ? null : new Date(s.since),
    new Date(s.lastSlot),
    s.lastStatus,
    s.lastLatencyMs,
    s.lastLatenessMs,
    s.lastError,
    json(JSON.stringify(s.pending)),
    s.certExpiresAt,
    updatedAt,
  ]);
  return multiRowStatements(db, INSERT, values, ROWS_PER_STATEMENT, ON_CONFLICT);
}
