import { Html, Head, Main, NextScript, type DocumentProps } from "next/document";
import { BASE_LOCALE, isLocale } from "../monitors/i18n/locales";
import { THEME_BOOT_SCRIPT } from "../scripts/theme-boot.mjs";

// The Pages Router's document (the home and monitor pages): <html lang> is the page's language
// (its props carry it), and the theme's inline script runs before the first paint so a chosen
// theme never flashes the other one (scripts/theme-boot.mjs; the CSP hashes its exact text).
export default function Document(props: DocumentProps) {
  const locale = (props.__NEXT_DATA__.props as { pageProps?: { locale?: unknown } } | undefined)?.pageProps?.locale;
  return (
    <Html lang={isLocale(locale) ? locale : BASE_LOCALE}>
      <Head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script of ours, whose exact text the CSP hashes */}
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </Head>
      <body>
        <Main />
        <NextScript />
      </body>
    </Html>
  );
}
