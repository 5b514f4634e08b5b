import type { CSSProperties } from "react";
import type { DailyBar } from "@/monitors/queries/daily-bars";
import { encodeBars } from "@/monitors/presentation/bar-encoding";
import { describeDay } from "@/monitors/presentation/bar-description";
import type { Translator } from "@/monitors/i18n/translator";

/**
 * 90 daily bars as one element: the picture is a CSS gradient whose stops are also the days'
 * levels, and the few days worth a detail travel in data-detail. The row is one focusable slider: arrow keys, Home
 * and End pick a day (public/bars.js, once per page, shows it), and assistive technology hears
 * the day through aria-valuetext. The "90 days ago … today" axis is drawn by CSS.
 * `dated: false` leaves out the first day's date, for a page that states it once on an
 * ancestor (`data-start`) for all its rows.
 */
export function UptimeBars({ bars, label, dated = true, tr }: { bars: DailyBar[]; label: string; dated?: boolean; tr: Translator }) {
  const enc = encodeBars(bars);
  const last = bars[bars.length - 1];
  return (
    <div
      className="bars"
      role="slider"
      tabIndex={0}
      aria-label={tr.t("bars.label", { name: label, days: tr.number(bars.length) })}
      aria-valuemin={1}
      aria-valuemax={bars.length}
      aria-valuenow={bars.length}
      aria-valuetext={last ? describeDay(last, tr) : tr.t("day.noData")}
      data-start={dated ? enc.start : undefined}
      data-detail={enc.detail || undefined}
      style={{ "--g": enc.gradient } as CSSProperties}
    />
  );
}
