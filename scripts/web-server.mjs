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
import { secureResponse } from "./security-headers.mjs";

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

const app = next({ dev: false, dir: root, port, hostname: "localhost" });
const handle = app.getRequestHandler();
await app.prepare();
const cache = new MicroCache({ ttlMs: Number(process.env.MICRO_CACHE_MS ?? 1000) });

const refresher = new PageRefresher(selfOrigin);

/** /api/internal/…, however a client spells it (case, repeated slashes, %-escapes). */
const isInternalPath = (decodedPath) => /^\/+api\/+internal(?:\/|$)/i.test(decodedPath);
// A successful admin command (not sign-in, sign-out or a Markdown preview) changed public state.
const ADMIN_COMMAND = /^\/admin\/api\/(?!(?:login|logout|preview)$)[^/]+$/;

function fromThisServer(req) {
  const given = Buffer.from(String(req.headers[INTERNAL_HEADER] ?? ""));
  const expected = Buffer.from(internalToken);
  const sameHost = req.socket.remoteAddress === req.socket.localAddress || /^(?:127\.|::1$|::ffff:127\.)/.test(req.socket.remoteAddress ?? "");
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
      const r = await fetch(`${selfOrigin}/api/internal/revalidate`, { method: "POST", headers: { [INTERNAL_HEADER]: internalToken }, signal: AbortSignal.timeout(10_000) });
      await r.arrayBuffer();
      if (r.status !== 204) throw new Error(`status ${r.status}`);
    } catch (err) {
      console.error(`${new Date().toISOString()} web: dropping cached pages failed (${err?.message ?? err}); they refresh within their 4 s`);
    }
    cache.clear();
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
  if (req.method === "POST" && ADMIN_COMMAND.test(req.url.split("?")[0])) {
    // This node drops its own caches now; on PostgreSQL every node (this one too) also hears it
    // through the database, and the two triggers share one pass.
    res.on("finish", () => {
      if (res.statusCode === 200) changes.trigger();
    });
  }
  if (req.method === "GET" && !req.headers["x-status-refresh"]) {
    const path = req.url.split("?")[0];
    if (isPublicPage(path)) refresher.touch(path);
  }
  const key = process.env.MICRO_CACHE_MS === "0" ? null : cache.keyFor(req);
  if (key) {
    if (cache.serve(key, req, res)) return;
    cache.capture(key, req, res);
  }
  // After the cache's capture, so a cached answer keeps the headers computed for it.
  secureResponse(res);
  handle(req, res).catch((err) => {
    console.error(`web: ${req.method} ${req.url} failed: ${err?.stack ?? err}`);
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
      console.log(`${new Date().toISOString()} web: change announced (${JSON.stringify(topic.slice(0, 80))}); dropping cached public answers`);
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
