/**
 * The languages the public pages and the emails are written in. English is the base: its catalog
 * (messages/en.json) names every message, the others must carry the same keys
 * (tests/unit/i18n-catalogs.test.ts), and its pages keep the plain paths (/, /monitors/…) while
 * the others are rendered under /l/<locale>/… (see README, "Languages").
 */
export const LOCALES = ["en", "de", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const BASE_LOCALE: Locale = "en";

/** Each language's own name, for the switcher. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", de: "Deutsch", "zh-CN": "简体中文" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * The site's default language (SITE_LOCALE, else English): for readers whose browser asks for none
 * of LOCALES, maintainers' channel emails, and subscribers who signed up before languages existed.
 */
export function siteLocale(env: Record<string, string | undefined> = process.env): Locale {
  const raw = env.SITE_LOCALE?.trim();
  if (!raw) return BASE_LOCALE;
  if (!isLocale(raw))
    throw new Error(`SITE_LOCALE: ${JSON.stringify(raw)} is not a language of this site; use one of ${LOCALES.join(", ")}`);
  return raw;
}
