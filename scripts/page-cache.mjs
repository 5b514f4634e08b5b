// The hot public pages, ready to send: for each page the web process keeps regenerated (the home
// page, and the pages people are reading; see page-refresher.mjs), the bytes of its last render in
// plain, gzip and brotli form, with an ETag. A visitor's request is answered from here without
// Next.js: no render, no compression, and a 304 when the browser already holds that ETag.
//
// The refresher hands every page it fetched to update(). A page whose bytes did not change costs a
// hash and nothing else; a changed one is compressed once (on libuv's thread pool, off the event
// loop) and replaces the old one. So compression follows the data, not the requests. clear() drops
// everything when a change is announced (web-server.mjs), and the refresher's next pass refills it.
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, constants as zlib, gzip } from "node:zlib";
// Requests that may get a different answer than an anonymous visitor's: the micro-cache's list.
import { BYPASS_HEADERS } from "./micro-cache.mjs";

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

// Headers of the fetched page that are about one transfer, or that this cache sets itself.
const PER_TRANSFER = new Set([
  "date",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "etag",
  "x-micro-cache",
  "x-nextjs-cache",
  "x-page-cache",
]);

/** The page's own Vary (Next.js varies App Router pages on its navigation headers), plus Accept-Encoding. */
function varyWithEncoding(vary) {
  return vary && /accept-encoding/i.test(vary) ? vary : vary ? `${vary}, Accept-Encoding` : "Accept-Encoding";
}

/** "br", "gzip" or null: what the client accepts, brotli first (q=0 refuses). */
export function pickEncoding(acceptEncoding) {
  const accepted = new Map();
  for (const part of String(acceptEncoding ?? "")
    .toLowerCase()
    .split(",")) {
    const [name, ...params] = part.trim().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(name, q ? Number(q[1]) : 1);
  }
  if ((accepted.get("br") ?? 0) > 0) return "br";
  if ((accepted.get("gzip") ?? 0) > 0) return "gzip";
  return null;
}

export class PageCache {
  constructor({ maxPages = 60 } = {}) {
    this.maxPages = maxPages;
    this.pages = new Map();
    // Bumped by clear(): a compression that started before a change must not be stored after it.
    this.generation = 0;
    this.stats = { hits: 0, notModified: 0, compressions: 0, unchanged: 0, clears: 0 };
  }

  clear() {
    this.pages.clear();
    this.generation++;
    this.stats.clears++;
  }

  delete(path) {
    this.pages.delete(path);
  }

  /**
   * Takes a page as the refresher fetched it (status, headers as a Headers object or plain
   * object, the uncompressed body). Returns "stored", "unchanged" or "refused" (not a plain
   * public 200 HTML answer: then the page is not served from here at all).
   */
  async update(path, status, headers, body) {
    const h = Object.fromEntries(
      headers instanceof Headers ? headers.entries() : Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const cacheControl = h["cache-control"] ?? "";
    if (
      status !== 200 ||
      !/text\/html/i.test(h["content-type"] ?? "") ||
      /no-store|private/i.test(cacheControl) ||
      h["set-cookie"] ||
      h["content-encoding"]
    ) {
      this.pages.delete(path);
      return "refused";
    }
    const hash = createHash("sha256").update(body).digest("base64url").slice(0, 22);
    const current = this.pages.get(path);
    if (current?.hash === hash) {
      this.stats.unchanged++;
      return "unchanged";
    }
    const generation = this.generation;
    const [gz, br] = await Promise.all([
      gzipAsync(body, { level: 9 }),
      // Quality 9 of 11: within a few per cent of 11's size at a tenth of its time.
      brotliAsync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    ]);
    if (generation !== this.generation) return "refused";
    const kept = {};
    for (const [k, v] of Object.entries(h)) if (!PER_TRANSFER.has(k)) kept[k] = v;
    kept.vary = varyWithEncoding(h.vary);
    if (!this.pages.has(path) && this.pages.size >= this.maxPages) this.pages.delete(this.pages.keys().next().value);
    this.pages.set(path, { hash, etag: `"p-${hash}"`, headers: kept, bodies: { identity: body, gzip: gz, br } });
    this.stats.compressions++;
    return "stored";
  }

  /** Answers a plain anonymous GET or HEAD of a stored page; returns false when it is not one. */
  serve(req, res) {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    // Exactly the page's path: a query string may change the answer.
    const page = this.pages.get(req.url);
    if (!page) return false;
    for (const name of BYPASS_HEADERS) if (req.headers[name] !== undefined) return false;
    const inm = req.headers["if-none-match"];
    if (
      inm &&
      String(inm)
        .split(",")
        .some((t) => t.trim().replace(/^W\//, "") === page.etag)
    ) {
      this.stats.notModified++;
      // No Content-Security-Policy on a 304: the browser would put it on the page it keeps (see security-headers.mjs).
      res.writeHead(304, {
        etag: page.etag,
        "cache-control": page.headers["cache-control"] ?? "no-cache",
        vary: page.headers.vary,
        "x-page-cache": "HIT",
      });
      res.end();
      return true;
    }
    this.stats.hits++;
    const encoding = pickEncoding(req.headers["accept-encoding"]);
    const body = page.bodies[encoding ?? "identity"];
    res.writeHead(200, {
      ...page.headers,
      etag: page.etag,
      ...(encoding ? { "content-encoding": encoding } : {}),
      "content-length": String(body.length),
      "x-page-cache": "HIT",
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }
}
