import Negotiator from "negotiator";
import { isLocale, LOCALES, type Locale } from "./locales";

/** The cookie the language switcher sets (scripts/web-server.mjs), a year long. */
export const LOCALE_COOKIE = "lang";
export const LOCALE_COOKIE_MAX_AGE_S = 365 * 86_400;

/** The language chosen with the switcher, if the request carries one this site has. */
export function localeFromCookie(cookieHeader: string | undefined): Locale | null {
  for (const part of String(cookieHeader ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== LOCALE_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (isLocale(value)) return value;
  }
  return null;
}

/** Traditional Chinese (zh-Hant, zh-TW, zh-HK, zh-MO) is not served Simplified Chinese: it falls through. */
const TRADITIONAL_CHINESE = /^zh-(?:hant|tw|hk|mo)\b/;

/**
 * One requested tag against LOCALES: the exact tag (any case), else the same primary language
 * (de-AT reads de, zh and zh-Hans-CN read zh-CN). Null when none fits.
 */
function matchTag(tag: string): Locale | null {
  const lower = tag.toLowerCase();
  const exact = LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  if (TRADITIONAL_CHINESE.test(lower)) return null;
  const primary = lower.split("-")[0];
  return LOCALES.find((l) => l.toLowerCase().split("-")[0] === primary) ?? null;
}

/**
 * The page's language: the switcher's cookie first (the reader chose it), then Accept-Language
 * in the reader's order of preference (q-values parsed by `negotiator`, the parser Express uses),
 * then the site's default.
 */
export function negotiateLocale(headers: { cookie?: string | string[]; "accept-language"?: string | string[] }, fallback: Locale): Locale {
  const cookie = Array.isArray(headers.cookie) ? headers.cookie.join(";") : headers.cookie;
  const chosen = localeFromCookie(cookie);
  if (chosen) return chosen;
  const accept = Array.isArray(headers["accept-language"]) ? headers["accept-language"].join(",") : headers["accept-language"];
  if (!accept) return fallback;
  for (const tag of new Negotiator({ headers: { "accept-language": accept } }).languages()) {
    if (tag === "*") return fallback;
    const match = matchTag(tag);
    if (match) return match;
  }
  return fallback;
}
