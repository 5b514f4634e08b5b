import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { launchBrowser, seriousAxeViolations } from "../helpers/browser";
import { missing } from "../helpers/external-parts";
import { seedHistory } from "@/bench/seed-history";
import { levelsFromGradient } from "@/monitors/presentation/bar-encoding";
import { dailyBars } from "@/monitors/queries/daily-bars";
import { describeDay } from "@/monitors/presentation/bar-description";

const SHOTS = "tests/e2e/screenshots";

describe.skipIf(missing("chromium"))("status page in headless Chromium (next build + the web server, 90 days of history)", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let context: BrowserContext;
  let incidentId: number;

  beforeAll(async () => {
    t = await createTempDb();
    const seeded = await seedHistory(t.db, { monitors: 10, days: 90, rawDays: 1, seed: 7 });
    const target = seeded.monitors[2];
    const incident = await t.db.incident.create({
      data: {
        title: "Manifest pulls failing",
        status: "identified",
        impact: "major",
        startedAt: new Date(Date.now() - 40 * 60_000),
        monitors: { create: [{ monitorId: target.id, impact: "major" }] },
        updates: {
          create: [
            {
              status: "investigating",
              body: "Pulls of **some** images fail with `MANIFEST_UNKNOWN`.",
              createdAt: new Date(Date.now() - 38 * 60_000),
            },
            {
              status: "identified",
              body: "The storage gateway lost its credentials. <script>alert(1)</script>",
              createdAt: new Date(Date.now() - 12 * 60_000),
            },
          ],
        },
      },
    });
    incidentId = incident.id;
    web = await startWeb(t.url);
    browser = await launchBrowser();
    context = await browser.newContext({ timezoneId: "America/New_York", viewport: { width: 1100, height: 900 } });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await t?.cleanup();
  });

  /** Loads a page until it reflects the database (the first answer may be an older ISR snapshot). */
  async function open(path: string, ready: (p: Page) => Promise<boolean>, p?: Page): Promise<Page> {
    const page = p ?? (await context.newPage());
    const until = Date.now() + 15_000;
    for (;;) {
      await page.goto(`${web.url}${path}`, { waitUntil: "networkidle" });
      if (await ready(page)) return page;
      if (Date.now() > until) throw new Error(`${path} never became ready`);
      await page.waitForTimeout(700);
    }
  }

  it("home: banner, groups, 90 bars per monitor, the active incident; light and dark screenshots", async () => {
    const page = await open("/", async (p) => (await p.locator("[data-testid=active-incident]").count()) > 0);
    await expect(page.locator("[data-testid=overall]").textContent()).resolves.toMatch(/Partial outage|Major outage|Degraded performance/);
    expect(await page.locator("[data-testid=group]").count()).toBe(5);
    const rows = page.locator(".row[data-monitor]");
    expect(await rows.count()).toBe(10);
    for (let i = 0; i < 10; i++) {
      const bars = rows.nth(i).locator(".bars");
      // One element per row: the 90 days are its gradient's stops.
      expect(levelsFromGradient((await bars.evaluate((el) => el.style.getPropertyValue("--g"))) ?? "", 90)).toHaveLength(90);
      expect(await bars.getAttribute("aria-valuemax")).toBe("90");
      expect(await bars.locator("*").count()).toBe(0);
      expect(await bars.evaluate((el) => getComputedStyle(el).backgroundImage)).toMatch(/linear-gradient/);
    }
    const stops = await page.locator(".bars").evaluateAll((els) => els.map((e) => (e as HTMLElement).style.getPropertyValue("--g")));
    expect(stops.flatMap((g) => levelsFromGradient(g, 90)).filter((l) => l === "ok").length).toBeGreaterThan(500);
    await expect(page.locator("[data-testid=active-incident] h3").textContent()).resolves.toBe("Manifest pulls failing");
    expect(await page.title()).toMatch(/^OpenRegistry status: /);
    await page.screenshot({ path: `${SHOTS}/home-light.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(15, 20, 26)");
    await page.screenshot({ path: `${SHOTS}/home-dark.png`, fullPage: true });
    await page.close();
  });

  it("a day's tooltip opens with the keyboard and follows the arrow keys", async () => {
    const page = await open("/", async (p) => (await p.locator(".bars").count()) > 0);
    // Tab from the top of the page until focus reaches the first bar row.
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press("Tab");
      found = await page.evaluate(() => document.activeElement?.classList.contains("bars") ?? false);
    }
    expect(found).toBe(true);
    const tip = page.locator("[data-testid=bar-tooltip]");
    await tip.waitFor({ state: "visible" });
    const today = new Date().toISOString().slice(0, 10);
    await expect(tip.locator("strong").textContent()).resolves.toBe(today);
    await page.keyboard.press("ArrowLeft");
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await expect(tip.locator("strong").textContent()).resolves.toBe(yesterday);
    expect(await tip.textContent()).toMatch(/uptime|No data/);
    const valueText = await page.evaluate(() => document.activeElement?.getAttribute("aria-valuetext"));
    expect(valueText).toMatch(new RegExp(`^${yesterday}, `));
    await page.keyboard.press("Escape");
    expect(await tip.count()).toBe(0);
    await page.close();
  });

  it("a row of bars is one tab stop; Home, End and the arrows move days; each day's words are the slider's aria-valuetext", async () => {
    const page = await open("/", async (p) => (await p.locator(".bars").count()) === 10);
    // The server's own description of every day of the first row, to compare the browser's with.
    const first = await t.db.monitor.findUniqueOrThrow({ where: { slug: "monitor-001" } });
    const serverDays = (await dailyBars(t.db, [first])).get(first.id)!.map((b) => describeDay(b));
    const row = page.locator('.row[data-monitor="monitor-001"] .bars');
    await row.focus();
    const tip = page.locator("[data-testid=bar-tooltip]");
    const valueText = () => row.getAttribute("aria-valuetext");
    const tipText = async () => (await tip.locator("strong, div").allTextContents()).join(", ").toLowerCase();
    await page.keyboard.press("Home");
    expect(await row.getAttribute("aria-valuenow")).toBe("1");
    expect(await valueText()).toBe(serverDays[0]);
    // Every day, walked with the arrow key, reads as the server describes it, in the tooltip too.
    for (let i = 1; i < 90; i++) {
      await page.keyboard.press("ArrowRight");
      expect(await valueText()).toBe(serverDays[i]);
    }
    expect((await tipText()).startsWith(serverDays[89].toLowerCase())).toBe(true);
    await page.keyboard.press("Home");
    await page.keyboard.press("End");
    expect(await row.getAttribute("aria-valuenow")).toBe("90");
    await page.keyboard.press("PageDown");
    expect(await row.getAttribute("aria-valuenow")).toBe("83");
    // Tab leaves the row at once: the next stop is the next monitor's link, not another day.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href"))).toBe("/monitors/monitor-006");
    expect(await tip.count()).toBe(0);
    // The bars are exposed as a slider with a name and the day's words.
    const snapshot = await page.locator('.row[data-monitor="monitor-001"]').ariaSnapshot();
    expect(snapshot).toMatch(/slider "[^"]+: daily uptime, last 90 days"/);
    await page.close();
  });

  it("the incident page shows its timeline, renders Markdown and keeps script inert", async () => {
    const page = await open(`/incidents/${incidentId}`, async (p) => (await p.locator("[data-testid=timeline] li").count()) === 2);
    const items = page.locator("[data-testid=timeline] li");
    await expect(items.nth(0).textContent()).resolves.toMatch(/^Identified/);
    await expect(items.nth(1).locator("strong").nth(1).textContent()).resolves.toBe("some");
    expect(await page.locator("[data-testid=timeline] script").count()).toBe(0);
    expect(await items.nth(0).textContent()).toContain("<script>alert(1)</script>");
    // times are shown in the visitor's zone with UTC on hover
    const time = page.locator("[data-testid=timeline] time").first();
    await expect(time.getAttribute("title")).resolves.toMatch(/UTC$/);
    await expect(time.textContent()).resolves.toMatch(/EST|EDT|GMT-[45]/);
    await page.close();
  });

  it("axe-core finds no serious or critical violation, in light and dark mode", async () => {
    for (const scheme of ["light", "dark"] as const) {
      for (const path of ["/", "/monitors/monitor-003", `/incidents/${incidentId}`, "/history"]) {
        const page = await context.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await open(path, async (p) => (await p.locator("main").count()) > 0, page);
        const violations = await seriousAxeViolations(page);
        expect(violations, `${scheme} ${path}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
        await page.close();
      }
    }
    // Eight full page audits: about 3.5 s each on two busy cores.
  }, 120_000);

  it("fits a 360 px wide phone without sideways scrolling", async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    await page.goto(`${web.url}/`, { waitUntil: "networkidle" });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const bars = page.locator(".bars").first();
    const box = (await bars.boundingBox())!;
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator("[data-testid=bar-tooltip]").waitFor({ state: "visible" });
    await page.screenshot({ path: `${SHOTS}/home-phone.png` });
    await phone.close();
  });

  it("an incident update appears on the public page within 10 s", async () => {
    const page = await open("/", async (p) => (await p.locator("[data-testid=active-incident]").count()) > 0);
    await t.db.incidentUpdate.create({ data: { incidentId, status: "monitoring", body: "A fix is deployed; watching pulls." } });
    await t.db.incident.update({ where: { id: incidentId }, data: { status: "monitoring" } });
    const started = Date.now();
    let seen = false;
    while (!seen && Date.now() - started < 10_000) {
      await page.waitForTimeout(1000);
      await page.reload({ waitUntil: "domcontentloaded" });
      seen = ((await page.locator("[data-testid=active-incident]").textContent()) ?? "").includes("A fix is deployed");
    }
    expect(seen, "update visible within 10 s").toBe(true);
    await page.close();
  });
});
