import { isBusyError } from "../store/busy-retry";

/** Seconds a client is asked to wait when the database stays busy past the retries. */
export const BUSY_RETRY_AFTER_SEC = 5;

/**
 * Runs a route's work; if the database is still locked after withBusyRetry's retries (another
 * process holding SQLite's write lock for seconds), answers 503 with Retry-After and a sentence
 * instead of an empty 500. Nothing was saved, so trying again is safe.
 */
export async function answerWhenBusy(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (e) {
    if (!isBusyError(e)) throw e;
    console.error(`${new Date().toISOString()} web: the database stayed busy; answered 503`);
    return Response.json(
      { error: `The status page's database is busy. Nothing was saved; try again in ${BUSY_RETRY_AFTER_SEC} seconds.` },
      { status: 503, headers: { "retry-after": String(BUSY_RETRY_AFTER_SEC), "cache-control": "no-store" } },
    );
  }
}
