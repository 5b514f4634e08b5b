import type { Db } from "../store/client";
import { pgSession, requirePgPool } from "../store/pg-direct";
import { columnArrays, type TypedColumn, unnestInsert } from "../store/unnest";
import { storedErrorText } from "../core/error-text";
import type { CheckOutcome } from "../evaluate/batch-plan";

const COLUMNS: readonly TypedColumn[] = [
  ["monitorId", "int"],
  ["slot", "timestamp(3)"],
  ["region", "text"],
  ["agentId", "text"],
  ["latenessMs", "float8"],
  ["status", "text"],
  ["totalMs", "int"],
  ["errorClass", "text"],
  ["error", "text"],
];
const INSERT = unnestInsert("region_check_insert", "RegionCheck", COLUMNS, " ON CONFLICT DO NOTHING");

/**
 * Stores a batch of an agent's checks in a region as RegionCheck rows; the slot's result is left to
 * the quorum decision. A row already there for (monitor, slot, region) is kept: a slot is stored
 * once per region, and a retried batch finds its stored rows and keeps them.
 */
export function writeRegionChecks(db: Db, agentId: string) {
  const session = pgSession(requirePgPool(db, "Region checks"));
  return async (batch: CheckOutcome[]): Promise<void> => {
    const rows = batch.map((o) => [
      o.monitorId,
      new Date(o.slot),
      o.region,
      agentId,
      Math.round(o.latenessMs * 10) / 10,
      o.result.status,
      // A failed check keeps its time too: a slot no region answered is stored with how long they took to fail.
      Math.round(o.result.phases.totalMs),
      o.result.errorClass ?? null,
      storedErrorText(o.result.error),
    ]);
    if (rows.length) await session.query(INSERT, columnArrays(rows, COLUMNS.length));
  };
}
