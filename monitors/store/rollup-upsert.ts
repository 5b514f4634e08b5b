import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import { HISTOGRAM_COLUMNS } from "../core/histogram";
import type { RollupDelta } from "../evaluate/rollup-delta";
import { multiRowInsert } from "./multi-row";
import type { PgSession } from "./pg-direct";
import { columnArrays, type TypedColumn, unnestInsert } from "./unnest";

const ROWS_PER_STATEMENT = 400;
const COUNTERS: readonly TypedColumn[] = [
  ["up", "int"],
  ["degraded", "int"],
  ["down", "int"],
  ["maintenance", "int"],
  ["latencyCount", "int"],
  ["latencySum", "float8"],
  ...HISTOGRAM_COLUMNS.map((c): TypedColumn => [c, "int"]),
];
const COLUMNS: readonly TypedColumn[] = [
  ["monitorId", "int"],
  ["resolution", "text"],
  ["bucket", "timestamp(3)"],
  ...COUNTERS,
  ["latencyMin", "float8"],
  ["latencyMax", "float8"],
];

const q = (c: string) => `"${c}"`;
// ON CONFLICT … DO UPDATE is the native upsert of both SQLite and PostgreSQL.
const ON_CONFLICT =
  ` ON CONFLICT ("monitorId", "resolution", "bucket") DO UPDATE SET ` +
  [
    ...COUNTERS.map(([c]) => `${q(c)} = "Rollup".${q(c)} + excluded.${q(c)}`),
    `"latencyMin" = CASE WHEN "Rollup"."latencyMin" IS NULL OR excluded."latencyMin" < "Rollup"."latencyMin" THEN excluded."latencyMin" ELSE "Rollup"."latencyMin" END`,
    `"latencyMax" = CASE WHEN "Rollup"."latencyMax" IS NULL OR excluded."latencyMax" > "Rollup"."latencyMax" THEN excluded."latencyMax" ELSE "Rollup"."latencyMax" END`,
  ].join(", ");
const UPSERT_PG = unnestInsert("rollup_upsert", "Rollup", COLUMNS, ON_CONFLICT);

function rowValues(d: RollupDelta): unknown[] {
  return [
    d.monitorId,
    d.resolution,
    new Date(d.bucket),
    d.up,
    d.degraded,
    d.down,
    d.maintenance,
    d.latencyCount,
    d.latencySum,
    ...d.hist,
    d.latencyMin,
    d.latencyMax,
  ];
}

/** Statements that add the deltas to their buckets; run them inside the batch's transaction. */
export function rollupUpsertStatements(db: Db | Prisma.TransactionClient, deltas: RollupDelta[]) {
  return multiRowInsert(db, "Rollup", COLUMNS, deltas.map(rowValues), ROWS_PER_STATEMENT, ON_CONFLICT);
}

/** The same upsert in one prepared statement on PostgreSQL (each bucket appears once in a batch's deltas). */
export async function upsertRollupsPg(s: PgSession, deltas: RollupDelta[]): Promise<void> {
  if (deltas.length) await s.query(UPSERT_PG, columnArrays(deltas.map(rowValues), COLUMNS.length));
}
