#!/usr/bin/env node
// The web process: Next.js (the app in app/) behind a micro-cache of public responses.
// `npm run web` and `npm start` run this instead of `next start`.
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { MicroCache, isPublicPage } from "./micro-cache.mjs";
import { PageRefresher } from "./page-refresher.mjs";
import { secureResponse } from "./security-headers.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME_BIND || "0.0.0.0";

const app = next({ dev: false, dir: root, port, hostname: "localhost" });
const handle = app.getRequestHandler();
await app.prepare();
const cache = new MicroCache({ ttlMs: Number(process.env.MICRO_CACHE_MS ?? 1000) });

const refresher = new PageRefresher(`http://127.0.0.1:${port}`);

const server = createServer((req, res) => {
  // The app rate-limits logins per address; only this server knows the socket's, so it says it
  // in a header of its own, replacing whatever a client sent under that name.
  req.headers["x-status-client-ip"] = req.socket.remoteAddress ?? "unknown";
  // Next.js answers a malformed %-escape in a dynamic segment with a bare 500 (vercel/next.js#92527):
  // it is the client's mistake, so it gets a 400 here.
  try {
    decodeURIComponent(req.url.split("?")[0]);
  } catch {
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
    res.end("bad request: malformed percent-encoding in the path\n");
    return;
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
server.listen(port, hostname, () => {
  console.log(`${new Date().toISOString()} web listening on http://localhost:${port}`);
  refresher.start();
});

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    refresher.stop();
    server.close(() => process.exit(0));
    server.closeIdleConnections?.();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
