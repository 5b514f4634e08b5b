import type { DailyBar } from "../../monitors/queries/daily-bars";

function percent(r: number | null): string {
  if (r === null) return "no data";
  const p = r * 100;
  return p === 100 ? "100% uptime" : `${(Math.floor(p * 100) / 100).toFixed(2)}% uptime`;
}

/** The words a screen reader hears for a day; the tooltip shows the same lines. */
export function describeBar(b: DailyBar): string {
  const parts = [b.date, percent(b.ratio)];
  parts.push(b.downtimeMinutes ? `${b.downtimeMinutes} min down` : b.ratio === null ? (b.maintenanceMinutes ? "maintenance only" : "not checked") : "no downtime");
  if (b.maintenanceMinutes) parts.push(`${b.maintenanceMinutes} min maintenance`);
  return parts.join(", ");
}

/**
 * 90 daily bars, rendered on the server as plain buttons (no per-bar client data): one
 * tab stop per row, the rest reachable with the arrow keys. BarTooltips (one client
 * component per page) shows the details on focus, hover or tap.
 */
export function UptimeBars({ bars, name }: { bars: DailyBar[]; name: string }) {
  return (
    <div className="bars-wrap">
      <div className="bars" role="group" aria-label={`${name}: last ${bars.length} days`}>
        {bars.map((b, i) => (
          <button
            key={b.date}
            type="button"
            className={`bar ${b.level}`}
            tabIndex={i === bars.length - 1 ? 0 : -1}
            aria-label={describeBar(b)}
            data-incidents={b.incidents.length ? b.incidents.map((x) => `${x.id}:${x.title.replace(/[|]/g, " ")}`).join("|") : undefined}
          />
        ))}
      </div>
      <div className="bars-axis meta" aria-hidden="true">
        <span>{bars.length} days ago</span>
        <span>today</span>
      </div>
    </div>
  );
}
