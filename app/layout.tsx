import type { ReactNode } from "react";
import { headers } from "next/headers";
import { BASE_LOCALE, isLocale } from "@/monitors/i18n/locales";
import { PAGE_LOCALE_HEADER } from "@/scripts/locale-routing.mjs";
import "./globals.css";

export const metadata = {
  title: "OpenRegistry status",
  description: "Live status and uptime of OpenRegistry's registry, web app and storage.",
};

// <html lang> is the page's language. A layout cannot see the path, so the web process names the
// language it routed the request to in a header of its own (scripts/locale-routing.mjs), taken from
// the same /l/<locale>/ path the caches key on; without it (admin pages, `next start`) it is English.
// Reading a header makes every App Router page dynamic: they all were already (the cached incident
// page is in the Pages Router, pages/incidents/[id].tsx).
export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = (await headers()).get(PAGE_LOCALE_HEADER);
  return (
    <html lang={isLocale(locale) ? locale : BASE_LOCALE}>
      <body>
        <main className="container">{children}</main>
      </body>
    </html>
  );
}
