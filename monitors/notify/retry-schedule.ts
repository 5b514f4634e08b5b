import { HOUR_MS } from "../core/duration";
export interface RetryPolicy {
  /** Delay before the second attempt; each further attempt doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all, the first one included; after the last failure the row is marked failed. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 30_000, maxDelayMs: HOUR_MS, maxAttempts: 8 };

/**
 * When to try again after `attempts` failed attempts, or null to give up. Exponential
 * (30 s, 1 min, 2 min … capped at an hour), and never sooner than a receiver's Retry-After.
 * Eight attempts span about an hour and a quarter with the defaults.
 */
export function nextRetryDelay(attempts: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY, retryAfterMs?: number): number | null {
  if (attempts >= policy.maxAttempts) return null;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.min(policy.maxDelayMs, Math.max(exponential, retryAfterMs ?? 0));
}
