import type { Prisma } from "@prisma/client";
import type { Db } from "./client";
import { HISTOGRAM_COLUMNS } from "../core/histogram";
import type { RollupDelta } from "../evaluate/rollup-delta";
import { multiRowStatements } from "./multi-row";

const ROWS_PER_STATEMENT = 400;
const COUNTERS = ["up", "degraded", "down", "maintenance", "latencyCount", "latencySum", ...HISTOGRAM_COLUMNS];
const COLUMNS = ["monitorId", "resolution", "bucket", ...COUNTERS, "latencyMin", "latencyMax"];

const q = (c: string) => `"${c}"`;
const INSERT = `INSERT INTO "Rollup" (${COLUMNS.map(q).join(", ")}) VALUES `;
// ON CONFLICT … DO UPDATE is the native upsert of both SQLite and PostgreSQL.
const ON_CONFLICT =
  ` ON CONFLICT ("monitorId", "resolution", "bucket") DO UPDATE SET ` +
  [
    ...COUNTERS.map((c) => `${q(c)} = "Rollup".${q(c)} + excluded.${q(c)}`),
    `"latencyMin" = CASE WHEN "Rollup"."latencyMin" IS NULL OR excluded."latencyMin" < "Rollup"."latencyMin" THEN excluded."latencyMin" ELSE "Rollup"."latencyMin" END`,
    `"latencyMax" = CASE WHEN "Rollup"."latencyMax" IS NULL OR excluded."latencyMax" > "Rollup"."latencyMax" THEN excluded."latencyMax" ELSE "Rollup"."latencyMax" END`,
  ].join(", ");

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
  return multiRowStatements(db, INSERT, deltas.map(rowValues), ROWS_PER_STATEMENT, ON_CONFLICT);
}
