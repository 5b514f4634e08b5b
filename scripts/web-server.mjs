#!/usr/bin/env node
// The web process: Next.js (the app in app/) behind a micro-cache of public responses.
// `npm run web` and `npm start` run this instead of `next start`.
import { createServer } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { tsImport } from "tsx/esm/api";
import { MicroCache, isPublicPage } from "./micro-cache.mjs";
import { PageRefresher } from "./page-refresher.mjs";
import { PageCache } from "./page-cache.mjs";
import { secureResponse } from "./security-headers.mjs";
import { cutRefusedUploads } from "./refused-upload.mjs";
import { routeLocale } from "./locale-routing.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME_BIND || "0.0.0.0";
// Where this process reaches itself (the page refresher, the internal revalidation).
const selfHost = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname.includes(":") ? `[${hostname}]` : hostname;
const selfOrigin = `http://${selfHost}:${port}`;

// The key to app/api/internal/revalidate in this process: random per start, held in this process's
// environment (Next.js runs its routes in this same process), never sent to anyone but itself.
const INTERNAL_HEADER = "x-status-internal";
const internalToken = randomBytes(32).toString("base64url");
process.env.STATUS_INTERNAL_TOKEN = internalToken;

// The readers' languages (monitors/i18n/): a SITE_LOCALE this site does not have stops the start here.
const { LOCALES, BASE_LOCALE, isLocale, siteLocale } = await tsImport("../monitors/i18n/locales.ts", import.meta.url);
const { negotiateLocale, LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE_S } = await tsImport("../monitors/i18n/negotiate.ts", import.meta.url);
const { servePing } = await tsImport("../monitors/heartbeat/ping-http.ts", import.meta.url);
let fallbackLocale;
try {
  fallbackLocale = siteLocale();
} catch (err) {
  console.error(`web: ${err.message}`);
  process.exit(2);
}
const i18n = {
  locales: LOCALES,
  base: BASE_LOCALE,
  fallback: fallbackLocale,
  isLocale,
  negotiate: negotiateLocale,
  cookieName: LOCALE_COOKIE,
  cookieMaxAge: LOCALE_COOKIE_MAX_AGE_S,
};

const app = next({ dev: false, dir: root, port, hostname: "localhost" });
const handle = app.getRequestHandler();
await app.prepare();
const cache = new MicroCache({ ttlMs: Number(process.env.MICRO_CACHE_MS ?? 1000) });

// The hot pages' last renders, compressed, filled by the refresher (PAGE_REFRESH_MS=0 leaves it empty).
const pages = new PageCache();
const refresher = new PageRefresher(selfOrigin, {
  onPage: (path, status, headers, body) => pages.update(path, status, headers, body),
  onGone: (path) => pages.delete(path),
});

/** /api/internal/…, however a client spells it (case, repeated slashes, %-escapes). */
const isInternalPath = (decodedPath) => /^\/+api\/+internal(?:\/|$)/i.test(decodedPath);
// A successful admin command (not sign-in, sign-out or a Markdown preview) changed public state.
const ADMIN_COMMAND = /^\/admin\/api\/(?!(?:login|logout|preview)$)[^/]+$/;
// Writes of the management API (monitors/management-api) change what the public pages show, too.
const MANAGEMENT_API = /^\/api\/admin\/v1\//;
// Heartbeat pings (monitors/heartbeat/ping-intake.ts): every one is a write, never a cached answer.
const PING_PATH = /^\/+ping(?:\/|$)/i;
/** A maintainer's change: a command from /admin, or a write through the management API. */
function isWrite(req) {
  const path = req.url.split("?")[0];
  if (req.method === "POST" && ADMIN_COMMAND.test(path)) return true;
  return req.method !== "GET" && req.method !== "HEAD" && MANAGEMENT_API.test(path);
}

function fromThisServer(req) {
  const given = Buffer.from(String(req.headers[INTERNAL_HEADER] ?? ""));
  const expected = Buffer.from(internalToken);
  const sameHost =
    req.socket.remoteAddress === req.socket.localAddress || /^(?:127\.|::1$|::ffff:127\.)/.test(req.socket.remoteAddress ?? "");
  return req.method === "POST" && sameHost && given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Drops what this process remembers of the public pages after a change: Next's regenerated pages
 * (through the internal route, since revalidatePath needs a request of Next's own), then the
 * micro-cache, then renders the hot pages again so visitors do not wait for the database. A second
 * pass a moment later catches a render that read the database just before the commit and was
 * stored just after the first pass. Triggers that arrive while a pass runs share the next one.
 */
class ChangeSync {
  static SETTLE_MS = 1000;
  running = null;
  again = false;
  settleTimer = null;

  trigger() {
    void this.run();
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => void this.run(), ChangeSync.SETTLE_MS);
    this.settleTimer.unref();
  }

  run() {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.#once();
      } while (this.again);
    })().finally(() => (this.running = null));
    return this.running;
  }

  async #once() {
    try {
      const r = await fetch(`${selfOrigin}/api/internal/revalidate`, {
        method: "POST",
        headers: { [INTERNAL_HEADER]: internalToken },
        signal: AbortSignal.timeout(10_000),
      });
      await r.arrayBuffer();
      if (r.status !== 204) throw new Error(`status ${r.status}`);
      // The Pages Router's cached pages (the home page, monitor pages) are regenerated through a route of their own.
      const p = await fetch(`${selfOrigin}/api/internal/revalidate-pages`, {
        method: "POST",
        headers: { [INTERNAL_HEADER]: internalToken, "content-type": "application/json" },
        body: JSON.stringify({ paths: refresher.hotPaths() }),
        signal: AbortSignal.timeout(30_000),
      });
      await p.arrayBuffer();
      if (p.status !== 204) throw new Error(`pages: status ${p.status}`);
    } catch (err) {
      console.error(
        `${new Date().toISOString()} web: dropping cached pages failed (${err?.message ?? err}); they refresh within their 4 s`,
      );
    }
    cache.clear();
    pages.clear();
    await refresher.refreshNow().catch(() => {});
  }
}
const changes = new ChangeSync();

const server = createServer((req, res) => {
  // The app rate-limits logins per address; only this server knows the socket's, so it says it
  // in a header of its own, replacing whatever a client sent under that name.
  req.headers["x-status-client-ip"] = req.socket.remoteAddress ?? "unknown";
  // Next.js answers a malformed %-escape in a dynamic segment with a bare 500 (vercel/next.js#92527):
  // it is the client's mistake, so it gets a 400 here.
  let decodedPath;
  try {
    decodedPath = decodeURIComponent(req.url.split("?")[0]);
  } catch {
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
    res.end("bad request: malformed percent-encoding in the path\n");
    return;
  }
  // The internal routes answer only this process itself; to anyone else they do not exist. They
  // never reach the micro-cache or the refresher.
  if (isInternalPath(decodedPath)) {
    if (!fromThisServer(req)) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
      res.end("not found\n");
      return;
    }
    handle(req, res).catch((err) => {
      console.error(`web: internal ${req.url} failed: ${err?.stack ?? err}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error");
    });
    return;
  }
  delete req.headers[INTERNAL_HEADER];
  const ping = PING_PATH.test(decodedPath);
  cutRefusedUploads(req, res, { keepsPrefix: ping });
  // Heartbeat pings are answered here, without Next.js (monitors/heartbeat/ping-http.ts).
  if (ping) {
    secureResponse(res);
    servePing(req, res, decodedPath).catch((err) => {
      // Its name only: a message could quote the URL, and the URL holds the token.
      console.error(`${new Date().toISOString()} web: a ping failed (${err?.name ?? "error"})`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      res.end("internal error\n");
    });
    return;
  }
  if (isWrite(req)) {
    // The one invalidation path (README, "When a change reaches the page"): this node starts its
    // pass as soon as its own write succeeded; on PostgreSQL every node (this one too) also hears it
    // through the database, and the two triggers share one pass.
    res.on("finish", () => {
      if (res.statusCode >= 200 && res.statusCode < 300) changes.trigger();
    });
  }
  // The translated pages: a switcher link is answered here; otherwise the request now names the
  // page in the reader's language, so every cache below keys on it.
  if (routeLocale(req, res, i18n)) return;
  if (req.method === "GET" && !req.headers["x-status-refresh"]) {
    const path = req.url.split("?")[0];
    if (isPublicPage(path)) refresher.touch(path);
  }
  // A hot page as the refresher last rendered it: no Next.js, no compression, 304 on a known ETag.
  if (pages.serve(req, res)) return;
  const key = process.env.MICRO_CACHE_MS === "0" || ping ? null : cache.keyFor(req);
  if (key) {
    if (cache.serve(key, req, res)) return;
    cache.capture(key, req, res);
  }
  // After the cache's capture, so a cached answer keeps the headers computed for it.
  secureResponse(res);
  handle(req, res).catch((err) => {
    // A ping's URL is its secret token: never logged.
    console.error(`web: ${req.method} ${ping ? "/ping/…" : req.url} failed: ${err?.stack ?? err}`);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end("internal error");
  });
});
server.keepAliveTimeout = 65_000;
// On PostgreSQL several web nodes may serve one database: each listens for the changes any of them
// commits (monitors/store/change-feed.ts, loaded through tsx since this file runs as plain Node).
const { changeFeedUrl, listenForChanges } = await tsImport("../monitors/store/change-feed.ts", import.meta.url);
const feedUrl = changeFeedUrl();
let listener = null;

server.listen(port, hostname, () => {
  console.log(`${new Date().toISOString()} web listening on http://localhost:${port}`);
  refresher.start();
  if (feedUrl) {
    listener = listenForChanges(feedUrl, (topic) => {
      console.log(
        `${new Date().toISOString()} web: change announced (${JSON.stringify(topic.slice(0, 80))}); dropping cached public answers`,
      );
      changes.trigger();
    });
  }
});

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    refresher.stop();
    void listener?.close();
    server.close(() => process.exit(0));
    server.closeIdleConnections?.();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
