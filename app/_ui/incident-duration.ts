import type { Translator } from "@/monitors/i18n/translator";

/** How long an incident lasted (or has lasted): minutes, hours and minutes, or days and hours. */
export function incidentDuration(from: Date, to: Date, tr: Translator): string {
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  if (minutes < 60) return tr.minutes(minutes);
  const h = Math.floor(minutes / 60);
  return h < 48
    ? tr.t("duration.hoursMinutes", { hours: h, minutes: minutes % 60 })
    : tr.t("duration.daysHours", { days: Math.floor(h / 24), hours: h % 24 });
}
