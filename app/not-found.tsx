import { headers } from "next/headers";
import { BASE_LOCALE, isLocale } from "@/monitors/i18n/locales";
import { translator } from "@/monitors/i18n/translator";
import { PAGE_LOCALE_HEADER } from "@/scripts/locale-routing.mjs";

export const metadata = { robots: { index: false } };

// Every 404 (an unknown address, incident or monitor), in the language of the page that was asked
// for: the same header as <html lang> (app/layout.tsx).
export default async function NotFound() {
  const locale = (await headers()).get(PAGE_LOCALE_HEADER);
  const tr = translator(isLocale(locale) ? locale : BASE_LOCALE);
  return (
    <section className="ack">
      <h1>{tr.t("notFound.title")}</h1>
      <p>{tr.t("notFound.text")}</p>
      <p>
        <a href="/">{tr.t("subscription.back")}</a>
      </p>
    </section>
  );
}
