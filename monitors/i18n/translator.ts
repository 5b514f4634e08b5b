import { createIntl, createIntlCache, type IntlShape } from "@formatjs/intl";
import en from "./messages/en.json";
import de from "./messages/de.json";
import zhCN from "./messages/zh-CN.json";
import { BASE_LOCALE, type Locale } from "./locales";
import { truncatePercent } from "../core/truncate-percent";

/**
 * Messages and formats of one language, for server-side rendering and mails. The messages are ICU
 * MessageFormat strings (messages/<locale>.json), formatted by FormatJS's @formatjs/intl: the
 * library of react-intl without React, so nothing of it reaches the browser (the public pages run
 * no client framework). Numbers, durations and dates go through Intl with the page's locale.
 */
export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

export const CATALOGS: Record<Locale, Messages> = { en, de, "zh-CN": zhCN };

type Values = Record<string, string | number>;

export interface Translator {
  locale: Locale;
  /** This language's catalog. */
  messages: Messages;
  t(key: MessageKey, values?: Values): string;
  /** An uptime ratio truncated to two decimals (99.999% never reads 100%); `null` is "no data". */
  percent(ratio: number | null | undefined): string;
  /** An objective given in percent (98 -> "98%", "98 %"), as exact as it was declared. */
  objective(percent: number): string;
  /** Whole minutes as a duration ("5 min", "5 Min.", "5分钟"). */
  minutes(n: number): string;
  /** A response time: milliseconds below a second, else seconds with two decimals; "—" when none. */
  latency(ms: number | null | undefined): string;
  /** A plain number in the locale's digits and separators. */
  number(n: number, fractionDigits?: number): string;
  /** Readable UTC with the zone named, in the locale's order and words (the page's truth rule: times are UTC until the browser shows local time). */
  utc(at: Date): string;
  /** The options utc() formats with (without the zone), which public/local-time.js repeats for the reader's zone. */
  readonly dateTimeOptions: Intl.DateTimeFormatOptions;
}

/** The options every public time is shown with; 24-hour in every language, so no "AM/PM" ambiguity. */
export const DATE_TIME_OPTIONS: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZoneName: "short",
};

const cache = createIntlCache();
const translators = new Map<Locale, Translator>();

function make(locale: Locale): Translator {
  const intl: IntlShape<string> = createIntl(
    {
      locale,
      defaultLocale: BASE_LOCALE,
      messages: CATALOGS[locale],
      // A key missing from a catalog falls back to English (defaultMessage below) and is logged;
      // tests/unit/i18n-catalogs.test.ts keeps that from reaching a release.
      onError: (err) => console.error(`i18n (${locale}): ${err.message}`),
    },
    cache,
  );
  const minutes = new Intl.NumberFormat(locale, { style: "unit", unit: "minute", unitDisplay: "short" });
  const pct2 = new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const pct0 = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  const objectiveFormat = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 3 });
  const utc = new Intl.DateTimeFormat(locale, { ...DATE_TIME_OPTIONS, timeZone: "UTC" });
  const tr: Translator = {
    locale,
    messages: CATALOGS[locale],
    t: (key, values) => intl.formatMessage({ id: key, defaultMessage: en[key] }, values) as string,
    percent: (ratio) => {
      if (ratio === null || ratio === undefined) return tr.t("day.noData");
      return ratio === 1 ? pct0.format(1) : pct2.format(truncatePercent(ratio, 2) / 100);
    },
    objective: (percent) => objectiveFormat.format(percent / 100),
    minutes: (n) => minutes.format(n),
    latency: (ms) => {
      if (ms === null || ms === undefined) return "—";
      return ms < 1000 ? tr.t("unit.ms", { n: tr.number(Math.round(ms)) }) : tr.t("unit.s", { n: tr.number(ms / 1000, 2) });
    },
    number: (n, fractionDigits = 0) =>
      n.toLocaleString(locale, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }),
    utc: (at) => utc.format(at),
    dateTimeOptions: DATE_TIME_OPTIONS,
  };
  return tr;
}

export function translator(locale: Locale): Translator {
  let tr = translators.get(locale);
  if (!tr) {
    tr = make(locale);
    translators.set(locale, tr);
  }
  return tr;
}
