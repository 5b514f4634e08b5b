import { LOCALIZED_PAGE } from "./locale-routing.mjs";

// A short-lived cache of whole public responses in front of Next.js, per web process.
// Public pages, the JSON API, feeds and badges are the same for every anonymous visitor and
// change at most every few seconds, so a burst of identical requests costs one render.
// Bounded by time (TTL) and size; it never stores personal or partial answers.
// clear() empties it at once when the database says public state changed (web-server.mjs).

const CACHEABLE = /^\/(?:$|monitors\/[a-z0-9-]{1,64}$|incidents\/\d{1,12}$|history(?:\.atom|\.rss)?$|api\/v2\/[a-z/-]+\.json$|badge\/)/;
// Requests that Next.js answers differently (client navigations, conditional or private requests).
export const BYPASS_HEADERS = [
  "x-status-refresh",
  "cookie",
  "authorization",
  "rsc",
  "next-router-state-tree",
  "next-router-prefetch",
  "next-router-segment-prefetch",
  "next-url",
  "range",
];

/** True for the public pages (not API, feeds or badges) that the refresher keeps regenerated. */
export function isPublicPage(path) {
  // /history is left out here as in English (its pages are many, one per ?before=).
  return /^\/(?:$|monitors\/[a-z0-9-]{1,64}$|incidents\/\d{1,12}$)/.test(path) || (LOCALIZED_PAGE.test(path) && !path.endsWith("/history"));
}

export class MicroCache {
  constructor({ ttlMs = 1000, maxEntries = 500, maxBodyBytes = 4 * 1024 * 1024, trustProxy = process.env.TRUST_PROXY === "1" } = {}) {
    this.ttlMs = ttlMs;
    this.trustProxy = trustProxy;
    this.maxEntries = maxEntries;
    this.maxBodyBytes = maxBodyBytes;
    this.entries = new Map();
    this.stats = { hits: 0, misses: 0, bypass: 0, clears: 0 };
    // Bumped by clear(): an answer rendered before it must not be stored after it.
    this.generation = 0;
  }

  /** Drops every entry, and every answer still being captured (it may predate the change). */
  clear() {
    this.entries.clear();
    this.generation++;
    this.stats.clears++;
  }

  keyFor(req) {
    if (req.method !== "GET" && req.method !== "HEAD") return null;
    const path = req.url.split("?")[0];
    // The server's own control routes are never public answers (the pattern below excludes them too).
    if (path.startsWith("/api/internal")) return null;
    // Heartbeat pings are writes whatever their method (web-server.mjs never asks for them either).
    if (/^\/+ping(?:\/|$)/i.test(path)) return null;
    // The home and monitor pages in another language are at the path the web server rewrote them
    // to (locale-routing.mjs): the language is in the path, so in the key.
    if (!CACHEABLE.test(path) && !LOCALIZED_PAGE.test(path)) return null;
    for (const h of BYPASS_HEADERS) if (req.headers[h] !== undefined) return null;
    const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? "")) ? "gz" : "id";
    return `${req.url}|${gzip}|${this.hostKey(req)}`;
  }

  /**
   * The request headers that links in an answer are built from (monitors/presentation/public-url.ts):
   * the host, and the forwarded host and scheme when a trusted proxy sets them. They are part of
   * the key, so an answer made for one host is never served to a request for another.
   */
  hostKey(req) {
    const h = (name) => String(req.headers[name] ?? "").toLowerCase();
    return this.trustProxy ? `${h("host")}|${h("x-forwarded-host")}|${h("x-forwarded-proto")}` : h("host");
  }

  /** Serves a fresh entry (a 304 when the client holds its ETag); returns false on a miss. */
  serve(key, req, res, now = Date.now()) {
    const e = this.entries.get(key);
    if (!e || e.expires <= now) {
      if (e) this.entries.delete(key);
      return false;
    }
    this.stats.hits++;
    const inm = req.headers["if-none-match"];
    if (
      inm &&
      e.headers.etag &&
      String(inm)
        .split(",")
        .some((t) => t.trim() === e.headers.etag)
    ) {
      res.writeHead(304, { etag: e.headers.etag, "cache-control": e.headers["cache-control"] ?? "no-cache" });
      res.end();
      return true;
    }
    res.writeHead(e.status, { ...e.headers, "x-micro-cache": "HIT" });
    res.end(req.method === "HEAD" ? undefined : e.body);
    return true;
  }

  /** Lets the response through while keeping a copy of a complete 200 or 404 for the TTL. */
  capture(key, req, res) {
    this.stats.misses++;
    if (req.headers["if-none-match"]) return; // the app answers conditionals itself
    const generation = this.generation;
    const chunks = [];
    let size = 0;
    let tooBig = false;
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    const writeHead = res.writeHead.bind(res);
    // Headers given to writeHead never show in getHeaders(): record them too.
    const direct = {};
    res.writeHead = (status, reason, headers) => {
      const h = typeof reason === "object" && reason !== null ? reason : headers;
      if (h && !Array.isArray(h)) for (const [k, v] of Object.entries(h)) direct[k.toLowerCase()] = v;
      return writeHead(status, reason, headers);
    };
    const keep = (chunk, encoding) => {
      if (chunk === undefined || chunk === null || tooBig || typeof chunk === "function") return;
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8");
      size += buf.length;
      if (size > this.maxBodyBytes) tooBig = true;
      else chunks.push(buf);
    };
    res.write = (chunk, encoding, cb) => {
      keep(chunk, encoding);
      return write(chunk, encoding, cb);
    };
    res.end = (chunk, encoding, cb) => {
      keep(chunk, encoding);
      const status = res.statusCode;
      const headers = { ...res.getHeaders(), ...direct };
      const cacheControl = String(headers["cache-control"] ?? "");
      if (
        !tooBig &&
        generation === this.generation &&
        (status === 200 || status === 404) &&
        !/no-store|private/.test(cacheControl) &&
        !headers["set-cookie"]
      ) {
        if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value);
        const plain = {};
        for (const [k, v] of Object.entries(headers))
          if (k !== "date" && k !== "connection" && k !== "keep-alive" && k !== "transfer-encoding")
            plain[k] = Array.isArray(v) ? v.join(", ") : String(v);
        plain["content-length"] = String(size);
        this.entries.set(key, { status, headers: plain, body: Buffer.concat(chunks), expires: Date.now() + this.ttlMs });
      }
      return end(chunk, encoding, cb);
    };
  }
}
