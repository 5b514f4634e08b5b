// Security headers for every answer of the web process, and a Content-Security-Policy whose
// script-src lists the SHA-256 of each inline script that the framework wrote into the HTML page it
// is sent with (isFrameworkScript below): an inline script that got into the page any other way,
// for example through an injection bug, gets no hash and does not run.
//
// Why hashes and not a nonce: a nonce must differ per response, so every page would be rendered
// per request and neither Next.js's ISR cache nor the micro-cache could serve it. Hashes are a
// property of the HTML itself: a cached page keeps its hashes, and a hit costs nothing. The price
// is that an HTML answer is buffered whole (to read its scripts) before its headers go out; pages
// here are tens of kilobytes and mostly come from a cache. SECURITY.md has the figures.
import { createHash } from "node:crypto";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { THEME_BOOT_SCRIPT } from "./theme-boot.mjs";

const COMMON = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
};

// JSON, SVG badges, feeds: nothing in them may run or load anything.
const NON_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

// Inline scripts only: <script> without src, whatever its other attributes.
const INLINE_SCRIPT = /<script\b(?![^>]*\ssrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;

// The inline scripts Next.js (with Turbopack) writes into a page, and nothing else. Each form only
// hands data to the framework: the flight data of the page (self.__next_f) and the list of the
// page's chunk files (TURBOPACK). The data must parse as JSON, which cannot call anything.
const NEXT_F_INIT = "(self.__next_f=self.__next_f||[]).push([0])";
const NEXT_F_PUSH = /^self\.__next_f\.push\(([\s\S]*)\)$/;
const TURBOPACK_PUSH = /^\(globalThis\["TURBOPACK"\] \|\| \(globalThis\["TURBOPACK"\] = \[\]\)\)\.push\(([\s\S]*)\);?$/;

function jsonOf(text) {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return null;
  }
}

/**
 * True for a script of one of the framework's forms, whose argument is nothing but JSON. Content
 * cannot forge its way in: a script with anything else in it (`…push([1,""]);alert(1)`) is not
 * JSON after the prefix, so it gets no hash and the browser refuses it. And because a hash admits
 * only its exact text, whatever the browser runs under a hash from here is such a data-only script.
 */
export function isFrameworkScript(body) {
  // The public pages' theme script, exactly as scripts/theme-boot.mjs has it (ours, not content's).
  if (body === NEXT_F_INIT || body === THEME_BOOT_SCRIPT) return true;
  const flight = NEXT_F_PUSH.exec(body);
  if (flight) {
    const j = jsonOf(flight[1]);
    return j !== null && Array.isArray(j.value) && typeof j.value[0] === "number";
  }
  const chunks = TURBOPACK_PUSH.exec(body);
  if (chunks) {
    const j = jsonOf(chunks[1]);
    return j !== null && typeof j.value === "object" && j.value !== null && !Array.isArray(j.value);
  }
  return false;
}

/** SHA-256 sources for the page's framework scripts; any other inline script stays blocked. */
export function inlineScriptHashes(html) {
  const hashes = new Set();
  for (const m of html.matchAll(INLINE_SCRIPT)) {
    if (isFrameworkScript(m[1])) hashes.add(`'sha256-${createHash("sha256").update(m[1], "utf8").digest("base64")}'`);
  }
  return [...hashes];
}

export function htmlCsp(hashes) {
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(" ")}`.trim(),
    // React and recharts set style attributes; styles cannot run code, scripts can.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

// Policies by ETag: Next.js gives a cached page a strong ETag, and the same ETag means the same
// HTML, so each regeneration of a page is hashed once and its other answers stream straight through.
const byEtag = new Map();
const MEMO_SIZE = 500;

function remember(etag, csp) {
  if (!etag) return;
  if (byEtag.size >= MEMO_SIZE) byEtag.delete(byEtag.keys().next().value);
  byEtag.set(etag, csp);
}

function decoded(body, encoding) {
  if (/\bbr\b/.test(encoding)) return brotliDecompressSync(body);
  if (/\bgzip\b/.test(encoding)) return gunzipSync(body);
  if (/\bdeflate\b/.test(encoding)) return inflateSync(body);
  return body;
}

function headerOf(head, res, name) {
  if (head?.headers && !Array.isArray(head.headers)) {
    for (const [k, v] of Object.entries(head.headers)) if (k.toLowerCase() === name) return String(v);
  }
  const v = res.getHeader(name);
  return v === undefined ? "" : String(v);
}

/** Wraps `res` so that it leaves with the security headers (and, for HTML, the hashes of its inline scripts). */
export function secureResponse(res) {
  for (const [k, v] of Object.entries(COMMON)) res.setHeader(k, v);
  res.setHeader("content-security-policy", NON_HTML_CSP);
  const writeHead = res.writeHead.bind(res);
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  const flushHeaders = res.flushHeaders.bind(res);
  let head = null;
  let html = null;
  const chunks = [];
  let known = null;
  const isHtml = () => {
    if (html !== null) return html;
    html = /text\/html/i.test(headerOf(head, res, "content-type"));
    if (html) {
      const etag = headerOf(head, res, "etag");
      known = etag ? (byEtag.get(`${etag}|${headerOf(head, res, "content-encoding")}`) ?? null) : null;
      if (known) {
        // Seen before: the policy is known, so nothing needs buffering.
        res.setHeader("content-security-policy", known);
        html = false;
      }
    }
    return html;
  };
  const sendHead = () => {
    // A 304's headers replace the stored response's in the browser cache: a policy computed for
    // an empty body would take the scripts' hashes away from the page the browser keeps.
    if ((head?.status ?? res.statusCode) === 304) res.removeHeader("content-security-policy");
    if (!head) return;
    const h = head;
    head = null;
    if (h.reason !== undefined) writeHead(h.status, h.reason, h.headers);
    else if (h.headers !== undefined) writeHead(h.status, h.headers);
    else writeHead(h.status);
  };
  // Headers wait until the body shows whether it is HTML (and, if so, which scripts it holds).
  res.writeHead = (status, reason, headers) => {
    if (typeof reason !== "string") [reason, headers] = [undefined, reason];
    head = { status, reason, headers };
    return res;
  };
  res.flushHeaders = () => {
    if (html === false) flushHeaders();
  };
  res.write = (chunk, encoding, cb) => {
    if (!isHtml()) {
      sendHead();
      return write(chunk, encoding, cb);
    }
    if (chunk !== undefined && chunk !== null)
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8"));
    const done = typeof encoding === "function" ? encoding : cb;
    if (done) process.nextTick(done);
    return true;
  };
  res.end = (chunk, encoding, cb) => {
    if (typeof chunk === "function") [chunk, cb] = [undefined, chunk];
    if (typeof encoding === "function") [encoding, cb] = [undefined, encoding];
    if (!isHtml()) {
      sendHead();
      return end(chunk, encoding, cb);
    }
    if (chunk !== undefined && chunk !== null)
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8"));
    const body = Buffer.concat(chunks);
    let hashes = [];
    try {
      hashes = inlineScriptHashes(decoded(body, headerOf(head, res, "content-encoding")).toString("utf8"));
    } catch {
      // An undecodable body gets no script hashes: its inline scripts stay blocked, which is the safe side.
    }
    const csp = htmlCsp(hashes);
    res.setHeader("content-security-policy", csp);
    const etag = headerOf(head, res, "etag");
    if (etag) remember(`${etag}|${headerOf(head, res, "content-encoding")}`, csp);
    sendHead();
    return end(body, cb);
  };
  return res;
}
