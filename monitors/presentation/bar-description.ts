import type { DailyBar } from "../queries/daily-bars";
import { translator, type Translator } from "../i18n/translator";
import { BASE_LOCALE } from "../i18n/locales";

/**
 * One day in words, shared by the server (aria-valuetext) and the tooltip script: the script gets
 * the same sentences as templates (dayWordTemplates) and fills in numbers with Intl in the page's
 * language, as Translator does here. The date stays ISO (YYYY-MM-DD), which every language reads.
 */
export function describeDayParts(
  date: string,
  ratio: number | null,
  downtimeMinutes: number,
  maintenanceMinutes: number,
  tr: Translator = translator(BASE_LOCALE),
): string[] {
  const parts = [date];
  parts.push(
    ratio === null ? tr.t(maintenanceMinutes ? "day.maintenanceOnly" : "day.noData") : tr.t("day.uptime", { pct: tr.percent(ratio) }),
  );
  if (ratio !== null) parts.push(downtimeMinutes ? tr.t("day.down", { duration: tr.minutes(downtimeMinutes) }) : tr.t("day.noDowntime"));
  if (maintenanceMinutes) parts.push(tr.t("day.maintenance", { duration: tr.minutes(maintenanceMinutes) }));
  return parts;
}

export function describeDay(b: DailyBar, tr?: Translator): string {
  return describeDayParts(b.date, b.ratio, b.downtimeMinutes, b.maintenanceMinutes, tr).join(", ");
}

/** The day's sentences with {pct}, {duration} and {id} left in, for public/bars.js. */
export function dayWordTemplates(tr: Translator): Record<string, string> {
  return {
    noData: tr.t("day.noData"),
    maintenanceOnly: tr.t("day.maintenanceOnly"),
    uptime: tr.t("day.uptime", { pct: "{pct}" }),
    down: tr.t("day.down", { duration: "{duration}" }),
    noDowntime: tr.t("day.noDowntime"),
    maintenance: tr.t("day.maintenance", { duration: "{duration}" }),
    incident: tr.t("day.incident", { id: "{id}" }),
  };
}
