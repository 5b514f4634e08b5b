/**
 * Bearer tokens per (realm, service, scope, user), reused until shortly before they expire.
 * `expires_in` is advisory: OpenRegistry sends an absolute Unix time there instead of seconds,
 * so the cache time is clamped to 30 s … 5 min either way.
 */
const MIN_TTL_MS = 30_000;
const MAX_TTL_MS = 300_000;
const SAFETY_MS = 15_000;

export function tokenTtlMs(expiresIn: unknown, now = Date.now()): number {
  let seconds = typeof expiresIn === "number" && Number.isFinite(expiresIn) ? expiresIn : 60;
  // A value past 2001-09-09 in seconds is a timestamp, not a duration.
  if (seconds > 1_000_000_000) seconds = seconds - now / 1000;
  return Math.max(MIN_TTL_MS, Math.min(MAX_TTL_MS, seconds * 1000 - SAFETY_MS));
}

export class TokenCache {
  private readonly tokens = new Map<string, { token: string; until: number }>();

  get(key: string, now = Date.now()): string | null {
    const t = this.tokens.get(key);
    if (!t || t.until <= now) {
      this.tokens.delete(key);
      return null;
    }
    return t.token;
  }

  set(key: string, token: string, expiresIn: unknown, now = Date.now()): void {
    this.tokens.set(key, { token, until: now + tokenTtlMs(expiresIn, now) });
  }

  /** Forgets a token the registry refused (a rotated signing key, a changed scope). */
  delete(key: string): void {
    this.tokens.delete(key);
  }

  clear(): void {
    this.tokens.clear();
  }
}

export const sharedTokenCache = new TokenCache();
