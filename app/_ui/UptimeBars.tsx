import type { DailyBar } from "../../monitors/queries/daily-bars";
import { barsSvg, encodeBars } from "../../monitors/queries/bar-encoding";
import { describeDay } from "../../monitors/queries/bar-description";

/**
 * 90 daily bars as one small SVG plus a compact description of the days. The row is one
 * focusable slider: arrow keys, Home and End pick a day (BarTooltips, once per page, shows
 * it), and assistive technology hears the day through aria-valuetext.
 */
export function UptimeBars({ bars, name, label }: { bars: DailyBar[]; name: string; label: string }) {
  const enc = encodeBars(bars);
  const last = bars[bars.length - 1];
  return (
    <div className="bars-wrap">
      <div
        className="bars"
        role="slider"
        tabIndex={0}
        aria-label={`${label}: daily uptime, last ${bars.length} days`}
        aria-valuemin={1}
        aria-valuemax={bars.length}
        aria-valuenow={bars.length}
        aria-valuetext={last ? describeDay(last) : "no data"}
        data-start={enc.start}
        data-levels={enc.levels}
        data-detail={enc.detail}
        dangerouslySetInnerHTML={{ __html: barsSvg(enc.levels, name) }}
      />
      <div className="bars-axis meta" aria-hidden="true">
        <span>{bars.length} days ago</span>
        <span>today</span>
      </div>
    </div>
  );
}
