/**
 * A failed delivery, with what the outbox needs to decide what to do next: `permanent` means
 * sending the same message again cannot succeed (the target is gone, the config is wrong, the
 * payload is refused), so the outbox gives up instead of retrying; `retryAfterMs` is the wait
 * the receiver asked for, which overrides the outbox's own backoff.
 */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  readonly retryAfterMs?: number;

  constructor(message: string, opts: { permanent: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "DeliveryError";
    this.permanent = opts.permanent;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
}

// Client errors retrying cannot fix. 408, 425 and 429 are 4xx too but say "later", not "never".
const TRANSIENT_4XX = new Set([408, 425, 429]);

/** Whether an HTTP status means the same request will keep failing. */
export function isPermanentHttpStatus(status: number): boolean {
  if (status >= 500) return false;
  if (status >= 400) return !TRANSIENT_4XX.has(status);
  // A redirect is not followed (the target could point anywhere); it is a config problem.
  return status >= 300;
}

/**
 * Milliseconds from a Retry-After header, which is either delta-seconds or an HTTP date.
 * Undefined when absent or unparseable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The DeliveryError for a non-2xx HTTP answer; only 429 and 503 carry a meaningful Retry-After. */
export function httpDeliveryError(status: number, message: string, retryAfter: string | undefined, nowMs = Date.now()): DeliveryError {
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter, nowMs) : undefined;
  return new DeliveryError(message, { permanent: isPermanentHttpStatus(status), retryAfterMs });
}
