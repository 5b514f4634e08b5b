import { notFound } from "next/navigation";
import { BASE_LOCALE, isLocale, type Locale } from "@/monitors/i18n/locales";

/**
 * The language of an App Router page under app/l/[locale]/: one of the site's other than English
 * (English has one address, the plain path); anything else is a 404, as for the Pages Router's.
 */
export async function otherLocale(params: Promise<{ locale: string }>): Promise<Locale> {
  const { locale } = await params;
  if (!isLocale(locale) || locale === BASE_LOCALE) notFound();
  return locale;
}
