"use client";
import { useRef, useState, type KeyboardEvent } from "react";

export interface BarView {
  date: string;
  ratio: number | null;
  downtimeMinutes: number;
  maintenanceMinutes: number;
  level: string;
  incidents: Array<{ id: number; title: string }>;
}

function percent(r: number | null): string {
  if (r === null) return "no data";
  const p = r * 100;
  return p === 100 ? "100%" : `${(Math.floor(p * 100) / 100).toFixed(2)}%`;
}

function describe(b: BarView): string {
  const parts = [b.date, percent(b.ratio)];
  if (b.downtimeMinutes) parts.push(`${b.downtimeMinutes} min down`);
  if (b.maintenanceMinutes) parts.push(`${b.maintenanceMinutes} min maintenance`);
  if (b.incidents.length) parts.push(`${b.incidents.length} incident${b.incidents.length > 1 ? "s" : ""}`);
  return parts.join(", ");
}

/**
 * 90 daily bars, one tab stop for the whole row (roving tabindex): arrow keys, Home and End
 * move between days, and the focused or tapped day shows its details.
 */
export function UptimeBars({ bars, name }: { bars: BarView[]; name: string }) {
  const [active, setActive] = useState<number | null>(null);
  const [focusIndex, setFocusIndex] = useState(bars.length - 1);
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const move = (i: number) => {
    const next = Math.max(0, Math.min(bars.length - 1, i));
    setFocusIndex(next);
    setActive(next);
    refs.current[next]?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const keys: Record<string, number> = { ArrowLeft: focusIndex - 1, ArrowRight: focusIndex + 1, Home: 0, End: bars.length - 1 };
    if (e.key in keys) {
      e.preventDefault();
      move(keys[e.key]);
    } else if (e.key === "Escape") setActive(null);
  };
  const shown = active === null ? null : bars[active];
  return (
    <div className="bars-wrap" onMouseLeave={() => setActive(null)}>
      <div className="bars" role="group" aria-label={`${name}: last ${bars.length} days`} onKeyDown={onKey}>
        {bars.map((b, i) => (
          <button
            key={b.date}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            className={`bar ${b.level}`}
            tabIndex={i === focusIndex ? 0 : -1}
            aria-label={describe(b)}
            aria-describedby={active === i ? `tip-${name}` : undefined}
            data-date={b.date}
            onFocus={() => {
              setFocusIndex(i);
              setActive(i);
            }}
            onBlur={() => setActive(null)}
            onMouseEnter={() => setActive(i)}
            onClick={() => setActive(active === i ? null : i)}
          />
        ))}
      </div>
      <div className="bars-axis meta" aria-hidden="true">
        <span>{bars.length} days ago</span>
        <span>today</span>
      </div>
      {shown && (
        <div className="bar-tip" role="tooltip" id={`tip-${name}`} data-testid="bar-tooltip">
          <strong>{shown.date}</strong>
          <div>Uptime {percent(shown.ratio)}</div>
          <div>{shown.downtimeMinutes ? `${shown.downtimeMinutes} min of downtime` : shown.ratio === null ? (shown.maintenanceMinutes ? "Maintenance" : "No data") : "No downtime"}</div>
          {shown.maintenanceMinutes > 0 && <div>{shown.maintenanceMinutes} min of maintenance</div>}
          {shown.incidents.map((inc) => (
            <div key={inc.id}>
              <a href={`/incidents/${inc.id}`}>{inc.title}</a>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
