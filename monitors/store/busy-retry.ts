/**
 * SQLite lets one writer at a time. A transaction that reads first and writes later (every
 * maintainer action) starts as a reader, and when another process holds the write lock at the
 * moment it wants to write, SQLite answers "busy" at once instead of waiting (waiting could
 * deadlock). Nothing of the transaction was saved, so doing it again is safe.
 */
export function isBusyError(e: unknown): boolean {
  const text = `${(e as Error)?.message ?? ""} ${(e as { cause?: { message?: string } })?.cause?.message ?? ""} ${JSON.stringify((e as { meta?: unknown })?.meta ?? "")}`;
  return /SQLITE_BUSY|database is locked|Operation has timed out|Transaction already closed|Unable to start a transaction/i.test(text);
}

/**
 * How long a request keeps trying while another process holds the write lock. Bounded by time,
 * not by a count of attempts: on a loaded machine a few quick attempts can all land inside one
 * lock of a second or two, and the maintainer would be told "busy" for a lock that ended soon after.
 */
export const BUSY_RETRY_BUDGET_MS = 4_000;
const MAX_BACKOFF_MS = 400;

/** Runs `fn` again after a short, growing wait while it fails with "busy", for up to `budgetMs`. */
export async function withBusyRetry<T>(fn: () => Promise<T>, budgetMs = BUSY_RETRY_BUDGET_MS): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isBusyError(e)) throw e;
      const wait = Math.min(MAX_BACKOFF_MS, 25 * 2 ** attempt) + Math.random() * 25;
      if (Date.now() + wait > deadline) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
