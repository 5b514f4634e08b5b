import { HOUR_MS } from "../../core/duration";
/**
 * 429 TOOMANYREQUESTS with Retry-After: the registry asked us to wait. Until then, checks of the
 * same registry do not ask again (they report degraded, "still throttled"), so a rate-limited
 * canary does not make the limit worse. Kept per registry origin, like the token cache.
 */
const MAX_WAIT_MS = HOUR_MS;

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or malformed. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(MAX_WAIT_MS, Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.min(MAX_WAIT_MS, Math.max(0, at - now));
}

export class ThrottleBook {
  private readonly until = new Map<string, number>();

  /** When the registry at `origin` allows the next request; null when it does not ask us to wait. */
  waitUntil(origin: string, now = Date.now()): number | null {
    const t = this.until.get(origin);
    if (t === undefined || t <= now) {
      this.until.delete(origin);
      return null;
    }
    return t;
  }

  throttle(origin: string, ms: number, now = Date.now()): void {
    this.until.set(origin, now + ms);
  }

  clear(): void {
    this.until.clear();
  }
}

export const sharedThrottleBook = new ThrottleBook();
