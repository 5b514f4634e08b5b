import { UPTIME_WINDOWS, type UptimeWindow } from "../queries/uptime";

export const BADGE_STYLES = ["flat", "flat-square", "plastic", "for-the-badge", "social"] as const;
export type BadgeStyle = (typeof BADGE_STYLES)[number];

const NAMED_COLORS = new Set([
  "brightgreen",
  "green",
  "yellow",
  "yellowgreen",
  "orange",
  "red",
  "blue",
  "grey",
  "gray",
  "lightgrey",
  "lightgray",
  "success",
  "important",
  "critical",
  "informational",
  "inactive",
]);
const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;
const MAX_LABEL = 64;

export interface BadgeOptions {
  style: BadgeStyle;
  label?: string;
  color?: string;
  labelColor?: string;
  window: UptimeWindow;
  stat: "avg" | "p95";
}

export type ParsedBadgeOptions = { ok: true; options: BadgeOptions } | { ok: false; problem: string };

/** A colour name from shields' palette or a hex colour; anything else is refused, never passed into the SVG. */
function parseColor(name: string, value: string | null): { ok: true; value?: string } | { ok: false; problem: string } {
  if (value === null || value === "") return { ok: true };
  if (NAMED_COLORS.has(value.toLowerCase())) return { ok: true, value: value.toLowerCase() };
  if (HEX.test(value)) return { ok: true, value: value.replace(/^#/, "").toLowerCase() };
  return { ok: false, problem: `bad ${name}` };
}

/** Validates style, label, color, labelColor, window and stat; the problem names the parameter. */
export function parseBadgeOptions(query: URLSearchParams, defaultWindow: UptimeWindow = "30d"): ParsedBadgeOptions {
  const style = query.get("style") ?? "flat";
  if (!(BADGE_STYLES as readonly string[]).includes(style)) return { ok: false, problem: "bad style" };
  const window = query.get("window") ?? defaultWindow;
  // Own keys only: `in` would also accept "__proto__", "constructor", "toString"…
  if (!Object.hasOwn(UPTIME_WINDOWS, window)) return { ok: false, problem: "bad window" };
  const stat = query.get("stat") ?? "avg";
  if (stat !== "avg" && stat !== "p95") return { ok: false, problem: "bad stat" };
  const label = query.get("label") ?? undefined;
  if (label !== undefined && label.length > MAX_LABEL) return { ok: false, problem: "label too long" };
  const color = parseColor("color", query.get("color"));
  if (!color.ok) return color;
  const labelColor = parseColor("labelColor", query.get("labelColor"));
  if (!labelColor.ok) return labelColor;
  return {
    ok: true,
    options: { style: style as BadgeStyle, label, color: color.value, labelColor: labelColor.value, window: window as UptimeWindow, stat },
  };
}
