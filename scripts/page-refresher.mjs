// Keeps cached pages fresh without a visitor paying for it. Next.js regenerates a cached page
// only when someone asks for it after it went stale, and serves that someone the stale copy:
// on a quiet status page the first visitor during an outage would see the old "operational".
// So the web process asks for its own hot pages every couple of seconds: the home page always,
// other pages while people read them. Requests carry x-status-refresh to skip the micro-cache.
// refreshNow() runs a pass at once, after a change dropped the cached pages (web-server.mjs).
// Every page it fetches goes to `onPage` (the page cache, page-cache.mjs), uncompressed, and a
// page that stops being hot goes to `onGone`.

const HOT_FOR_MS = 10 * 60_000;
const MAX_HOT = 50;

export class PageRefresher {
  constructor(origin, { everyMs = Number(process.env.PAGE_REFRESH_MS ?? 2000), onPage = null, onGone = null } = {}) {
    this.origin = origin;
    this.everyMs = everyMs;
    this.onPage = onPage;
    this.onGone = onGone;
    this.hot = new Map([["/", Infinity]]);
    this.timer = null;
    this.running = false;
    this.pass = Promise.resolve();
  }

  touch(path) {
    if (this.hot.has(path) || this.hot.size < MAX_HOT) this.hot.set(path, Math.max(this.hot.get(path) ?? 0, Date.now()));
  }

  /** The pages kept hot now (the home page first). */
  hotPaths() {
    return [...this.hot.keys()];
  }

  start() {
    if (this.everyMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  /** A full pass that starts after the one in progress, if any (which may have fetched a page before the change). */
  async refreshNow() {
    while (this.running) await this.pass;
    return this.tick();
  }

  tick() {
    if (this.running) return this.pass; // a slow regeneration must not pile up requests
    this.running = true;
    this.pass = this.#refreshAll();
    return this.pass;
  }

  async #refreshAll() {
    try {
      const now = Date.now();
      for (const [path, seen] of this.hot) {
        if (now - seen > HOT_FOR_MS) {
          this.hot.delete(path);
          this.onGone?.(path);
          continue;
        }
        // identity: the page cache wants the plain bytes, and compresses them itself only when they changed.
        const res = await fetch(`${this.origin}${path}`, {
          headers: { "x-status-refresh": "1", "accept-encoding": "identity" },
          signal: AbortSignal.timeout(15_000),
        }).catch(() => null);
        // Read to the end: cancelling a streamed page can leave the request hanging.
        const body = await res?.arrayBuffer().catch(() => null);
        if (res && body && this.onPage) await this.onPage(path, res.status, res.headers, Buffer.from(body)).catch(() => {});
      }
    } finally {
      this.running = false;
    }
  }
}
