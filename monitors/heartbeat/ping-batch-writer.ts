import type { Db } from "../store/client";
import { withBusyRetry } from "../store/busy-retry";
import { multiRowStatements } from "../store/multi-row";

const INSERT = `INSERT INTO "HeartbeatPing" ("monitorId", "at", "kind", "exitCode", "body", "bodyTruncated") VALUES `;

/** A parameterised multi-row INSERT (store/multi-row.ts: several times cheaper than createMany per row). */
function pingInsertStatements(db: Db, rows: PingRow[]) {
  // 1/0 for the flag: SQLite stores booleans as integers, and PostgreSQL reads "1"/"0" as a boolean.
  const values = rows.map((r) => [r.monitorId, r.at, r.kind, r.exitCode, r.body, r.bodyTruncated ? 1 : 0]);
  return multiRowStatements(db, INSERT, values, MAX_BATCH);
}

export interface PingRow {
  monitorId: number;
  at: Date;
  kind: string;
  exitCode: number | null;
  body: string | null;
  bodyTruncated: boolean;
}

/** Rows in one insert at most (SQLite's bound parameters: 6 per row stay well under its limit). */
const MAX_BATCH = 500;

/**
 * Group commit for pings: the rows of the requests that arrive while an insert runs go into the
 * next one, a single multi-row INSERT. Each request still answers only after its own row is stored
 * (its promise settles with that insert), so nothing is acknowledged that could be lost; under a
 * burst, hundreds of pings cost one write transaction instead of hundreds.
 */
export class PingBatchWriter {
  private queue: Array<{ row: PingRow; done: (e?: unknown) => void }> = [];
  private writing = false;

  constructor(private readonly db: Db) {}

  write(row: PingRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, done: (e) => (e === undefined ? resolve() : reject(e)) });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await withBusyRetry(() =>
            this.db.$transaction(
              pingInsertStatements(
                this.db,
                batch.map((b) => b.row),
              ),
            ),
          );
          for (const b of batch) b.done();
        } catch (e) {
          for (const b of batch) b.done(e ?? new Error("ping insert failed"));
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
