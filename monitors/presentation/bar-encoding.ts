import type { BarLevel, DailyBar } from "../queries/daily-bars";
import { truncatePercent } from "./format";

/** One letter per level; public/bars.js reads the same letters. */
export const LEVEL_CODE: Record<BarLevel, string> = { ok: "o", minor: "m", major: "M", severe: "s", maintenance: "b", nodata: "n" };
export const CODE_LEVEL: Record<string, BarLevel> = Object.fromEntries(Object.entries(LEVEL_CODE).map(([k, v]) => [v, k as BarLevel]));

export interface EncodedBars {
  /** YYYY-MM-DD of the first day. */
  start: string;
  /** Days that are not a plain 100% day: "index:uptime%,down min[,maintenance min[,incident+incident]]" joined by ";" (a trailing 0 maintenance is left out). */
  detail: string;
  /**
   * The row's picture and the only copy of its levels: the colour stops of a CSS gradient, one
   * hard stop per run of equal days (app/globals.css wraps them in linear-gradient(90deg, …) and
   * lays the gaps between days over it; public/bars.js reads the levels back from them). A picture
   * costs no element per day and no SVG: 100 rows of 90 days stay a hundred elements.
   */
  gradient: string;
}

/** Runs of equal neighbouring levels. */
export function levelRuns(levels: BarLevel[]): Array<{ level: BarLevel; days: number }> {
  const runs: Array<{ level: BarLevel; days: number }> = [];
  for (const level of levels) {
    const last = runs[runs.length - 1];
    if (last && last.level === level) last.days++;
    else runs.push({ level, days: 1 });
  }
  return runs;
}

/**
 * Back from the picture's stops to one level per day: what public/bars.js does in the browser (the
 * stops are the only copy of the levels on the page), here for tests.
 */
export function levelsFromGradient(stops: string, days: number): BarLevel[] {
  const out: BarLevel[] = [];
  for (const [, code, end] of stops.matchAll(/var\(--([a-zA-Z])\)(?:\s+0(?:\s+([\d.]+)%)?)?/g)) {
    const until = end === undefined ? days : Math.round((Number(end) * days) / 100);
    while (out.length < until) out.push(CODE_LEVEL[code]);
  }
  return out;
}

/**
 * Colour stops `var(--o) 0 66.7%,var(--M) 0 67.8%,…,var(--o) 0`: each colour from the previous
 * stop to its run's end. A tenth of a percent is under half a pixel on an 860 px row.
 */
export function barsGradient(runs: Array<{ level: BarLevel; days: number }>, total: number): string {
  if (runs.length <= 1) {
    const c = `var(--${LEVEL_CODE[runs[0]?.level ?? "nodata"]})`;
    return `${c},${c}`;
  }
  let end = 0;
  return runs
    .map((r, i) => {
      end += r.days;
      const colour = `var(--${LEVEL_CODE[r.level]})`;
      return i === runs.length - 1 ? `${colour} 0` : `${colour} 0 ${Number(((end / total) * 100).toFixed(1))}%`;
    })
    .join(",");
}

/** Compact form of a row of bars for the page (public/bars.js decodes it in the browser). */
export function encodeBars(bars: DailyBar[]): EncodedBars {
  const detail: string[] = [];
  bars.forEach((b, i) => {
    const plain = b.level === "ok" && b.ratio === 1 && !b.maintenanceMinutes && !b.incidents.length;
    if (plain || (b.level === "nodata" && !b.incidents.length)) return;
    const pct = b.ratio === null ? "" : String(truncatePercent(b.ratio, 2));
    const tail = b.incidents.length
      ? `,${b.maintenanceMinutes},${b.incidents.map((x) => x.id).join("+")}`
      : b.maintenanceMinutes
        ? `,${b.maintenanceMinutes}`
        : "";
    detail.push(`${i}:${pct},${b.downtimeMinutes}${tail}`);
  });
  const runs = levelRuns(bars.map((b) => b.level));
  return {
    start: bars[0]?.date ?? "",
    detail: detail.join(";"),
    gradient: barsGradient(runs, bars.length),
  };
}
