// Which language a reader gets on the translated pages (the home page and monitor pages), decided
// in the web process before its caches are asked, so that every cache key holds the language:
// English pages keep their paths (/, /monitors/<slug>), another language's page is rendered by
// Next.js at /l/<locale>/… (pages/l/[locale]/), and the request is rewritten to that path. The
// reader's address never changes. The rules of the choice are monitors/i18n/negotiate.ts's.

/**
 * The pages that are translated: the Pages Router's home and monitor pages, and the App Router's
 * public pages (history, incidents, the sign-up and the pages its mails link to).
 */
const TRANSLATED_PAGE =
  /^\/(?:$|monitors\/[a-z0-9-]{1,64}$|incidents\/\d{1,12}$|history$|subscribe(?:\/result)?$|subscribe\/confirm\/[^/]{1,200}$|unsubscribe\/[^/]{1,200}$)/;

/**
 * A translated page that the micro-cache may keep, in another language than English, as Next.js
 * renders it (the sign-up pages are personal or a form, and never cached).
 */
export const LOCALIZED_PAGE = /^\/l\/[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?(?:\/monitors\/[a-z0-9-]{1,64}|\/incidents\/\d{1,12}|\/history)?$/;

const LOCALE_PREFIX = /^\/l\/([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)(?=\/|$)/;

/**
 * The request header that names the page's language to the App Router's root layout
 * (app/layout.tsx, for `<html lang>`), which cannot see the path. Set by the web process from the
 * path it routed to, so it always matches the path every cache keys on; a client's own is dropped.
 */
export const PAGE_LOCALE_HEADER = "x-status-page-locale";

/** The language a routed path is in: the /l/<locale>/ prefix's, else the base language. */
export function pathLocale(path, base) {
  return LOCALE_PREFIX.exec(path)?.[1] ?? base;
}

export function localizedPath(path, locale, base) {
  return locale === base ? path : `/l/${locale}${path === "/" ? "" : path}`;
}

/** Cookies other than the language's: a request with any keeps bypassing the page caches, as before. */
function otherCookies(cookieHeader, name) {
  return String(cookieHeader ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c && c.slice(0, c.indexOf("=")).trim() !== name);
}

/**
 * For a GET or HEAD of a translated page: answers a switcher link (`?lang=de`: the cookie is set
 * for a year and the reader is sent back to the page with 303; an unknown language is a 400 that
 * names the languages), or rewrites req.url to the page in the reader's language and marks the
 * answer as varying with Accept-Language and Cookie. Returns true when it answered itself.
 */
export function routeLocale(req, res, i18n) {
  delete req.headers[PAGE_LOCALE_HEADER];
  const answered = route(req, res, i18n);
  if (!answered) req.headers[PAGE_LOCALE_HEADER] = pathLocale(req.url.split("?")[0], i18n.base);
  return answered;
}

function route(req, res, i18n) {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  // The page refresher asks for exact paths (English at /, the others at /l/<locale>/…).
  if (req.headers["x-status-refresh"]) return false;
  const q = req.url.indexOf("?");
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (!TRANSLATED_PAGE.test(path)) return false;
  const params = new URLSearchParams(q < 0 ? "" : req.url.slice(q + 1));
  if (params.has("lang")) {
    const wanted = params.get("lang");
    if (!i18n.isLocale(wanted)) {
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
      res.end(
        `bad request: unknown language ${JSON.stringify(String(wanted).slice(0, 40))} in ?lang=; this site has ${i18n.locales.join(", ")}\n`,
      );
      return true;
    }
    params.delete("lang");
    const rest = params.toString();
    res.writeHead(303, {
      location: rest ? `${path}?${rest}` : path,
      "set-cookie": `${i18n.cookieName}=${wanted}; Path=/; Max-Age=${i18n.cookieMaxAge}; SameSite=Lax`,
      "cache-control": "no-store",
    });
    res.end();
    return true;
  }
  const locale = i18n.negotiate(req.headers, i18n.fallback);
  // The language cookie has been read: without other cookies the request is an anonymous one for
  // the caches (they bypass any request with a cookie, for maintainers' sessions).
  if (req.headers.cookie !== undefined) {
    const others = otherCookies(req.headers.cookie, i18n.cookieName);
    if (others.length) req.headers.cookie = others.join("; ");
    else delete req.headers.cookie;
  }
  req.url = localizedPath(path, locale, i18n.base) + (q < 0 ? "" : req.url.slice(q));
  res.setHeader("content-language", locale);
  // Whoever answers (the page cache, the micro-cache or Next.js), the answer varies with the language.
  const writeHead = res.writeHead.bind(res);
  res.writeHead = (status, reason, headers) => {
    if (typeof reason !== "string") [reason, headers] = [undefined, reason];
    const key = headers && !Array.isArray(headers) ? Object.keys(headers).find((k) => k.toLowerCase() === "vary") : undefined;
    if (key) headers[key] = varyWithLanguage(headers[key]);
    else res.setHeader("vary", varyWithLanguage(res.getHeader("vary")));
    return reason === undefined ? writeHead(status, headers) : writeHead(status, reason, headers);
  };
  return false;
}

/** Vary of a translated page's answer: the language comes from these two request headers. */
export function varyWithLanguage(vary) {
  const names = String(vary ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  for (const n of ["Accept-Language", "Cookie"]) if (!names.some((v) => v.toLowerCase() === n.toLowerCase())) names.push(n);
  return names.join(", ");
}
