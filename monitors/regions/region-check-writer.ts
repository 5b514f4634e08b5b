import type { Db } from "../store/client";
import { multiRowStatements } from "../store/multi-row";
import { storedErrorText } from "../core/error-text";
import type { CheckOutcome } from "../evaluate/batch-plan";

const ROWS_PER_STATEMENT = 500;
const INSERT = `INSERT INTO "RegionCheck" ("monitorId", "slot", "region", "agentId", "latenessMs", "status", "totalMs", "errorClass", "error") VALUES `;

/**
 * Stores a batch of an agent's checks in a region as RegionCheck rows; the slot's result is left to
 * the quorum decision. A row already there for (monitor, slot, region) is kept: a slot is stored
 * once per region.
 */
export function writeRegionChecks(db: Db, agentId: string) {
  return async (batch: CheckOutcome[]): Promise<void> => {
    const values = batch.map((o) => [
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
    // Statement by statement, outside a transaction: a retried batch finds its stored rows and keeps them.
    for (const statement of multiRowStatements(db, INSERT, values, ROWS_PER_STATEMENT, " ON CONFLICT DO NOTHING")) await statement;
  };
}
