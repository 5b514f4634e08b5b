import { LOCALES, LOCALE_NAMES } from "@/monitors/i18n/locales";
import type { Translator } from "@/monitors/i18n/translator";

/**
 * The language switcher and the theme toggle. The switcher is plain links: `?lang=de` makes the web
 * server keep the choice in a cookie and send the reader back to the page (scripts/web-server.mjs),
 * so it needs no script. The toggle is wired by the page's one inline script (scripts/theme-boot.mjs)
 * and stays hidden where that cannot run.
 */
export function PagePrefs({ tr }: { tr: Translator }) {
  return (
    <div className="prefs">
      <nav aria-label={tr.t("prefs.language")} className="langs">
        {LOCALES.map((l) =>
          l === tr.locale ? (
            <a key={l} aria-current="true" lang={l} hrefLang={l} href={`?lang=${l}`}>
              {LOCALE_NAMES[l]}
            </a>
          ) : (
            <a key={l} lang={l} hrefLang={l} href={`?lang=${l}`}>
              {LOCALE_NAMES[l]}
            </a>
          ),
        )}
      </nav>
      <button type="button" className="theme-toggle" data-theme-toggle="" aria-pressed="false" hidden>
        {tr.t("prefs.darkTheme")}
      </button>
    </div>
  );
}
