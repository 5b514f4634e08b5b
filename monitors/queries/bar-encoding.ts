import type { BarLevel, DailyBar } from "./daily-bars";
import { truncatePercent } from "./format";

/** One character per day, so a row of 90 days ships as 90 bytes. */
export const LEVEL_CODE: Record<BarLevel, string> = { ok: "o", minor: "m", major: "M", severe: "s", maintenance: "b", nodata: "n" };
export const CODE_LEVEL: Record<string, BarLevel> = Object.fromEntries(Object.entries(LEVEL_CODE).map(([k, v]) => [v, k as BarLevel]));

export interface EncodedBars {
  /** YYYY-MM-DD of the first day. */
  start: string;
  levels: string;
  /** Days that are not a plain 100% day: "index:uptime%,down min,maintenance min[,incident+incident]" joined by ";". */
  detail: string;
}

/** Compact form of a row of bars for the page (the tooltip script decodes it in the browser). */
export function encodeBars(bars: DailyBar[]): EncodedBars {
  const detail: string[] = [];
  bars.forEach((b, i) => {
    const plain = b.level === "ok" && b.ratio === 1 && !b.maintenanceMinutes && !b.incidents.length;
    if (plain || (b.level === "nodata" && !b.incidents.length)) return;
    const pct = b.ratio === null ? "" : String(truncatePercent(b.ratio, 2));
    detail.push(`${i}:${pct},${b.downtimeMinutes},${b.maintenanceMinutes}${b.incidents.length ? `,${b.incidents.map((x) => x.id).join("+")}` : ""}`);
  });
  return { start: bars[0]?.date ?? "", levels: bars.map((b) => LEVEL_CODE[b.level]).join(""), detail: detail.join(";") };
}

/** The bars as one small SVG: equal neighbouring days share a rect, and a pattern draws the gaps between days. */
export function barsSvg(levels: string, id: string): string {
  const W = 10;
  const rects: string[] = [];
  for (let i = 0; i < levels.length; ) {
    let j = i;
    while (j + 1 < levels.length && levels[j + 1] === levels[i]) j++;
    rects.push(`<rect x="${i * W}" width="${(j - i + 1) * W}" height="34" class="${CODE_LEVEL[levels[i]]}"/>`);
    i = j + 1;
  }
  const width = levels.length * W;
  return `<svg viewBox="0 0 ${width} 34" preserveAspectRatio="none" aria-hidden="true" focusable="false"><defs><pattern id="gap-${id}" width="${W}" height="34" patternUnits="userSpaceOnUse"><rect x="${W - 2}" width="2" height="34" class="gap"/></pattern></defs>${rects.join("")}<rect width="${width}" height="34" fill="url(#gap-${id})"/></svg>`;
}
