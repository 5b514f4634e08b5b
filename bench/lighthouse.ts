/**
 * Lighthouse (12.2.3, pinned in package.json) with its default mobile preset (a Moto G Power's
 * screen, 4× CPU slowdown, simulated slow 4G) against Debian's chromium, on `/` and a monitor page:
 * the median of three runs per page, by performance score, with that run's metrics; in the light
 * theme and in the dark one (the system's preference, as a reader without a toggle choice has it).
 */
import { launch } from "chrome-launcher";
import lighthouse from "lighthouse";
import { CHROMIUM, CHROMIUM_FLAGS } from "../tests/helpers/external-parts";
import { startWeb } from "../tests/helpers/web-process";

export type Theme = "light" | "dark";
// Blink's preferred colour scheme (0 is dark): prefers-color-scheme answers dark, as on a phone set to dark.
const THEME_FLAGS: Record<Theme, string[]> = { light: [], dark: ["--blink-settings=preferredColorScheme=0"] };

export interface LighthouseRun {
  performance: number;
  accessibility: number;
  bestPractices: number;
  seo: number;
  /** Milliseconds, except cls. */
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  speedIndexMs: number;
  /** What the page downloaded: all of it, and its JavaScript (transfer sizes, KiB). */
  transferKib: number;
  scriptKib: number;
  unusedJsKib: number;
  domElements: number;
}

const score = (v: number | null | undefined) => Math.round((v ?? 0) * 100);
const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** One Lighthouse run of `url` in a fresh chromium. */
export async function lighthouseOnce(url: string, theme: Theme = "light"): Promise<LighthouseRun> {
  const chrome = await launch({
    chromePath: process.env.CHROME_PATH || CHROMIUM,
    chromeFlags: [...CHROMIUM_FLAGS, ...THEME_FLAGS[theme]],
  });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
    });
    if (!result) throw new Error(`lighthouse returned nothing for ${url}`);
    const { categories, audits } = result.lhr;
    const num = (id: string) => Number(audits[id]?.numericValue ?? NaN);
    const items = (id: string) => (audits[id]?.details as { items?: Array<Record<string, unknown>> } | undefined)?.items ?? [];
    const scripts = items("network-requests").filter((r) => r.resourceType === "Script");
    return {
      performance: score(categories.performance?.score),
      accessibility: score(categories.accessibility?.score),
      bestPractices: score(categories["best-practices"]?.score),
      seo: score(categories.seo?.score),
      fcpMs: Math.round(num("first-contentful-paint")),
      lcpMs: Math.round(num("largest-contentful-paint")),
      tbtMs: Math.round(num("total-blocking-time")),
      cls: Math.round(num("cumulative-layout-shift") * 1000) / 1000,
      speedIndexMs: Math.round(num("speed-index")),
      transferKib: kib(num("total-byte-weight")),
      scriptKib: kib(scripts.reduce((a, r) => a + Number(r.transferSize ?? 0), 0)),
      unusedJsKib: kib(
        Number(audits["unused-javascript"]?.numericValue ?? 0) > 0
          ? items("unused-javascript").reduce((a, r) => a + Number(r.wastedBytes ?? 0), 0)
          : 0,
      ),
      domElements: num("dom-size"),
    };
  } finally {
    await chrome.kill();
  }
}

/** The run with the median performance score of `runs` runs (Lighthouse's own advice for noisy machines). */
export async function lighthouseMedian(url: string, runs = 3, theme: Theme = "light"): Promise<LighthouseRun & { scores: number[] }> {
  const all: LighthouseRun[] = [];
  for (let i = 0; i < runs; i++) all.push(await lighthouseOnce(url, theme));
  const sorted = [...all].sort((a, b) => a.performance - b.performance || a.tbtMs - b.tbtMs);
  return { ...sorted[Math.floor(sorted.length / 2)], scores: all.map((r) => r.performance) };
}

export interface LighthouseDataset {
  name: string;
  databaseUrl: string;
  /** A monitor page to measure (its slug). */
  slug: string;
}

/** `/` and one monitor page of each database, served by `npm run web` as in production. */
export async function benchLighthouse(datasets: LighthouseDataset[], log: (s: string) => void) {
  const out: Array<{ dataset: string; path: string; theme: Theme } & LighthouseRun & { scores: number[] }> = [];
  for (const d of datasets) {
    const web = await startWeb(d.databaseUrl);
    try {
      for (const path of ["/", `/monitors/${d.slug}`]) {
        // Warm: the page cache and Next.js's cache hold the page before the first measured run.
        for (let i = 0; i < 3; i++) await (await fetch(`${web.url}${path}`)).arrayBuffer();
        await new Promise((r) => setTimeout(r, 2500));
        for (const theme of ["light", "dark"] as const) {
          const r = await lighthouseMedian(`${web.url}${path}`, 3, theme);
          log(`lighthouse ${d.name} ${path} ${theme}: ${JSON.stringify(r)}`);
          out.push({ dataset: d.name, path, theme, ...r });
        }
      }
    } finally {
      await web.stop();
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // node --import tsx bench/lighthouse.ts URL [runs] [light|dark]: one page, for trying changes.
  console.log(
    JSON.stringify(
      await lighthouseMedian(process.argv[2], Number(process.argv[3] ?? 1), process.argv[4] === "dark" ? "dark" : "light"),
      null,
      2,
    ),
  );
}
