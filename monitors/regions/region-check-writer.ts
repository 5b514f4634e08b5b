import type { Db } from "../store/client";
import { multiRowStatements } from "../store/multi-row";
import { ResultWriter, type CheckOutcome, type ResultWriterOptions } from "../store/result-writer";

const ROWS_PER_STATEMENT = 500;
const INSERT = `INSERT INTO "RegionCheck" ("monitorId", "slot", "region", "agentId", "latenessMs", "status", "totalMs", "errorClass", "error") VALUES `;

/**
 * An agent's writer when it runs in a region: each check becomes a RegionCheck row (batched, with
 * the same retries as the single agent's writer), and the slot's result is left to the quorum
 * decision. A row already there for (monitor, slot, region) is kept: a slot is stored once per region.
 */
export class RegionCheckWriter extends ResultWriter {
  constructor(
    db: Db,
    private readonly agentId: string,
    opts: ResultWriterOptions & { onWritten?: () => void },
  ) {
    super(db, new Map(), opts);
    this.onWritten = opts.onWritten;
  }

  private readonly onWritten?: () => void;

  protected override async writeBatch(batch: CheckOutcome[]): Promise<void> {
    const values = batch.map((o) => [
      o.monitorId,
      new Date(o.slot),
      o.region,
      this.agentId,
      Math.round(o.latenessMs * 10) / 10,
      o.result.status,
      o.result.status === "down" ? null : Math.round(o.result.phases.totalMs),
      o.result.errorClass ?? null,
      o.result.error?.slice(0, 300) ?? null,
    ]);
    // Statement by statement, outside a transaction: a retried batch finds its stored rows and keeps them.
    for (const statement of multiRowStatements(this.db, INSERT, values, ROWS_PER_STATEMENT, " ON CONFLICT DO NOTHING")) await statement;
    this.stats.written += batch.length;
    this.stats.batches += 1;
    this.onWritten?.();
  }
}
