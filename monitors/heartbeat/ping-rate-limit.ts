/**
 * Fixed-window counters kept in the web node's memory. The login limits (auth/rate-limit.ts) live
 * in the database so that every node counts together; a ping flood must not become a database
 * write per request, which is exactly what it would cost there. So each node counts its own
 * pings, and N nodes let through up to N times the limit: a bound on a flood, not an exact quota.
 */
export class WindowCounter {
  private windows = new Map<string, { count: number; resetAt: number }>();
  private sweptAt = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts a hit on `key`; false once its window has seen more than `limit` hits. */
  hit(key: string, now = Date.now()): { allowed: boolean; resetAt: number } {
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      // Past the bound (a flood of distinct addresses) the oldest windows go first: Maps keep insertion order.
      if (!w && this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { allowed: w.count <= this.limit, resetAt: w.resetAt };
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < this.windowMs) return;
    this.sweptAt = now;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}
