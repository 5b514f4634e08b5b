import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { fetchUntil, startWeb } from "../helpers/web-process";
import { launchBrowser } from "../helpers/browser";
import { seedHistoryInChild } from "../helpers/seed-child";
import { THEME_BOOT_SCRIPT } from "@/scripts/theme-boot.mjs";

/** The page's inline scripts' texts. */
const inlineScripts = (html: string) => [...html.matchAll(/<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);

// What issue 13 asks of the public pages, on 100 monitors with 90 days of history.
const MAX_HTML_BYTES = 100 * 1024;
const MAX_DOM_ELEMENTS = 1500;
// A string in recharts' code (its SVG's class), to tell its chunk from the framework's.
const RECHARTS_MARK = "recharts-surface";

describe("page weight: the home page and a monitor page with 100 monitors and 90 days of history", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTempDb();
    // Rollups for the 90 days and raw results for the current hour only: the page reads rollups, and
    // writing a day of raw results for 100 monitors takes minutes on a busy machine.
    await seedHistoryInChild(t.url, { monitors: 100, days: 90, rawDays: 0, seed: 11 });
    web = await startWeb(t.url);
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await t?.cleanup();
  });

  it("home: at most 100 KB of HTML and 1,500 elements, no inline script but the theme's, only its two small scripts", async () => {
    const html = await fetchUntil(`${web.url}/`, (b) => (b.match(/data-monitor=/g) ?? []).length === 100, 30_000);
    const bytes = Buffer.byteLength(html);
    console.log(`home page: ${(bytes / 1024).toFixed(1)} KB of HTML`);
    expect(bytes).toBeLessThanOrEqual(MAX_HTML_BYTES);
    expect(html.match(/role="slider"/g)?.length).toBe(100);
    // No inline script but the theme's (scripts/theme-boot.mjs, 0.5 KB): the framework's runtime and page data are not on this page.
    expect(inlineScripts(html)).toEqual([THEME_BOOT_SCRIPT]);

    const page = await browser.newPage();
    const scripts: string[] = [];
    page.on("response", (r) => {
      if (r.request().resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${web.url}/`, { waitUntil: "networkidle" });
    const elements = await page.evaluate(() => document.querySelectorAll("*").length);
    console.log(`home page: ${elements} elements, scripts ${scripts.join(", ")}`);
    expect(elements).toBeLessThanOrEqual(MAX_DOM_ELEMENTS);
    expect(scripts.sort()).toEqual(["/bars.js", "/local-time.js"]);
    await page.close();
  });

  it("monitor page: no framework script and no inline script but the theme's; recharts loads only once the chart scrolls into view", async () => {
    const html = await fetchUntil(`${web.url}/monitors/monitor-001`, (b) => b.includes('data-testid="chart-slot"'), 30_000);
    expect(inlineScripts(html)).toEqual([THEME_BOOT_SCRIPT]);
    const phone = await browser.newContext({ viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    const bodies: Array<Promise<string>> = [];
    const scripts: string[] = [];
    page.on("response", (r) => {
      if (r.request().resourceType() !== "script") return;
      scripts.push(new URL(r.url()).pathname);
      bodies.push(r.text().catch(() => ""));
    });
    const rechartsLoaded = async () => (await Promise.all(bodies)).some((b) => b.includes(RECHARTS_MARK));
    await page.goto(`${web.url}/monitors/monitor-001`, { waitUntil: "networkidle" });
    await page.waitForTimeout(1000);
    const slot = page.locator("[data-testid=chart-slot]");
    expect(await slot.evaluate((el) => el.getBoundingClientRect().top > window.innerHeight)).toBe(true);
    expect(await rechartsLoaded()).toBe(false);
    expect(await page.locator("[data-testid=response-chart]").count()).toBe(0);
    expect(scripts.sort()).toEqual(["/bars.js", "/chart-loader.js", "/embed-origin.js", "/local-time.js"]);

    await slot.scrollIntoViewIfNeeded();
    await page.locator("[data-testid=response-chart]").waitFor({ state: "visible", timeout: 15_000 });
    expect(await rechartsLoaded()).toBe(true);
    expect(scripts).toContain("/_island/response-chart.js");
    // The Embed box names this site (the page was rendered for every host, with a placeholder).
    expect(await page.locator("[data-testid=embed-markdown]").inputValue()).toContain(`${web.url}/badge/monitor-001/status.svg`);
    await phone.close();
  });
});
