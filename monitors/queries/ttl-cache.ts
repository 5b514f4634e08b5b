/**
 * Memoizes an async result per key for a few seconds, sharing one computation between
 * concurrent callers. Public pages and APIs are read far more often than they change, and a
 * few seconds of age is well inside the freshness promise (10 s). Each web node keeps its own
 * copy; the bound is time, so nodes never disagree for longer than the TTL.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
  ) {
    everyCache().add(this as TtlCache<unknown>);
  }

  clear(): void {
    this.entries.clear();
  }

  get(key: string, compute: () => Promise<T>, now = Date.now()): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = compute();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    // A failure is not cached: the next caller tries again.
    value.catch(() => this.entries.delete(key));
    return value;
  }
}

// On globalThis like the shared client (monitors/queries/shared-db.ts): Next.js may load this module
// once per route bundle, and a change must reach every copy.
function everyCache(): Set<TtlCache<unknown>> {
  const g = globalThis as { statusTtlCaches?: Set<TtlCache<unknown>> };
  g.statusTtlCaches ??= new Set();
  return g.statusTtlCaches;
}

/** Drops every cached answer of this process (a change was committed here or on another web node). */
export function clearTtlCaches(): void {
  for (const c of everyCache()) c.clear();
}
