// WCAG AA contrast of the page's colours in both themes, read from app/globals.css itself: text
// 4.5:1 on the page and on cards, the banner's text on every banner colour, and the bar and chart
// colours 3:1 against the card they are drawn on (non-text contrast, WCAG 1.4.11).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";

const css = readFileSync(new URL("../../app/globals.css", import.meta.url), "utf8");

function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`globals.css has no block ${selector}`);
  const body = css.slice(start + selector.length + 2, css.indexOf("}", start));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2].toLowerCase()]));
}

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const light = block(":root");
const dark = block(':root[data-theme="dark"]');
const darkBySystem = block(':root:not([data-theme="light"])');

const TEXT = ["text", "muted", "up", "degraded", "down", "maintenance", "unknown"];
const BANNERS = ["up", "degraded", "down", "maintenance", "unknown"];
const GRAPHICS = [
  "up",
  "minor",
  "degraded",
  "down",
  "maintenance",
  "nodata",
  "ph-dns",
  "ph-connect",
  "ph-tls",
  "ph-first-byte",
  "ph-transfer",
];

describe("theme colours", () => {
  it("the dark palette is the same whether chosen with the toggle or by the system", () => {
    expect(Object.keys(dark).length).toBeGreaterThan(15);
    expect(darkBySystem).toEqual(dark);
  });

  for (const [name, theme] of [
    ["light", light],
    ["dark", dark],
  ] as const) {
    it(`${name}: every colour the checks below use is defined`, () => {
      for (const v of [...TEXT, ...GRAPHICS, "bg", "card", "banner-fg"]) expect(theme[v], `--${v}`).toMatch(/^#[0-9a-f]{6}$/);
    });
    it.each(TEXT)(`${name}: --%s as text is 4.5:1 on the page and on a card`, (v) => {
      expect(contrast(theme[v], theme.bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(theme[v], theme.card)).toBeGreaterThanOrEqual(4.5);
    });
    it.each(BANNERS)(`${name}: the banner's text on --%s is 4.5:1`, (v) => {
      expect(contrast(theme["banner-fg"], theme[v])).toBeGreaterThanOrEqual(4.5);
    });
    it.each(GRAPHICS)(`${name}: the bar or chart colour --%s is 3:1 against the card`, (v) => {
      expect(contrast(theme[v], theme.card)).toBeGreaterThanOrEqual(3);
    });
  }

  it("the check itself: black on white is 21:1, a colour on itself 1:1", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#5b6777", "#5b6777")).toBe(1);
  });
});
