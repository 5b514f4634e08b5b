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

/** Runs `fn` again after a short wait while it fails with "busy", up to `attempts` times. */
export async function withBusyRetry<T>(fn: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= attempts || !isBusyError(e)) throw e;
      await new Promise((r) => setTimeout(r, 25 * 2 ** attempt + Math.random() * 25));
    }
  }
}
