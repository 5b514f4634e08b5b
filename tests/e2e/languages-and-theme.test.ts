// The page in the reader's language and theme (issue 21), against the real web process: the
// language from Accept-Language or the switcher's cookie, decided before the page caches so one
// reader's language is never served to another; <html lang>; the theme toggle that remembers the
// choice from the first paint; and axe in Chromium with German, Simplified Chinese and dark mode.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { launchBrowser, seriousAxeViolations } from "../helpers/browser";
import { missing } from "../helpers/external-parts";
import { seedPublicFixture } from "../helpers/public-fixture";
import { translator } from "@/monitors/i18n/translator";
import type { Locale } from "@/monitors/i18n/locales";
import { THEME_BOOT_SCRIPT } from "@/scripts/theme-boot.mjs";

const langOf = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

describe("languages and theme on the public pages", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${web.url}${path}`, { headers, redirect: "manual" });
    return { status: r.status, headers: r.headers, body: await r.text() };
  };

  beforeAll(async () => {
    t = await createTempDb();
    await seedPublicFixture(t.db);
    web = await startWeb(t.url, { PAGE_REFRESH_MS: "500" });
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
    await t?.cleanup();
  });

  it("Accept-Language picks the language: <html lang>, Content-Language, Vary, and the words", async () => {
    for (const [header, locale] of [
      ["de-DE,de;q=0.9,en;q=0.5", "de"],
      ["zh-CN,zh;q=0.9", "zh-CN"],
      ["fr-FR, en;q=0.3", "en"],
      ["zh-TW", "en"],
    ] as const) {
      const r = await get("/", { "accept-language": header });
      expect(r.status).toBe(200);
      expect(langOf(r.body), header).toBe(locale);
      expect(r.headers.get("content-language")).toBe(locale);
      expect(r.headers.get("vary")).toMatch(/Accept-Language/);
      expect(r.headers.get("vary")).toMatch(/Cookie/);
      expect(r.body).toContain(`<h1>${translator(locale).t("site.title")}</h1>`);
      expect(r.body).toContain(translator(locale).t("home.uptimeOver"));
    }
    const m = await get("/monitors/registry-api", { "accept-language": "zh-CN" });
    expect(langOf(m.body)).toBe("zh-CN");
    expect(m.body).toContain(translator("zh-CN").t("incidents.title"));
  });

  it("the page cache keys on the language: alternating readers each get their own, from the cache", async () => {
    const readers: Array<[string, Locale]> = [
      ["de", "de"],
      ["en-US", "en"],
      ["zh-CN", "zh-CN"],
    ];
    // The refresher keeps each asked-for language's page in the cache (every 500 ms here).
    const hits = new Set<string>();
    const until = Date.now() + 15_000;
    while (hits.size < readers.length * 2 && Date.now() < until) {
      for (const [header, locale] of readers) {
        for (const path of ["/", "/monitors/web-app"]) {
          const r = await get(path, { "accept-language": header, "accept-encoding": "br" });
          expect(langOf(r.body), `${path} for ${header}`).toBe(locale);
          if (r.headers.get("x-page-cache") === "HIT") hits.add(`${path}|${locale}`);
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect([...hits].sort()).toEqual(readers.flatMap(([, l]) => [`/|${l}`, `/monitors/web-app|${l}`]).sort());
  });

  it("the switcher keeps the choice in a cookie that wins over Accept-Language; a wrong language is a clear 400", async () => {
    const r = await get("/monitors/web-app?lang=zh-CN", { "accept-language": "de" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/monitors/web-app");
    const cookie = r.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^lang=zh-CN; Path=\/; Max-Age=31536000; SameSite=Lax$/);
    const chosen = await get("/", { "accept-language": "de", cookie: "lang=zh-CN" });
    expect(langOf(chosen.body)).toBe("zh-CN");
    // Another cookie (a maintainer's session) still keeps the request out of the page cache.
    const signedIn = await get("/", { "accept-language": "en", cookie: "status_session=abc; lang=de" });
    expect(langOf(signedIn.body)).toBe("de");
    expect(signedIn.headers.get("x-page-cache")).toBeNull();

    const bad = await get("/?lang=fr", { "accept-language": "de" });
    expect(bad.status).toBe(400);
    expect(bad.body).toBe('bad request: unknown language "fr" in ?lang=; this site has en, de, zh-CN\n');
    expect((await get("/?lang=%3Cscript%3E")).status).toBe(400);
    // English has one address; another language's path answers only for a language of the site.
    expect((await get("/l/en")).status).toBe(404);
    expect((await get("/l/fr/monitors/web-app")).status).toBe(404);
  });

  it("the theme script is the page's only inline script, first in <head>, and the CSP admits exactly it", async () => {
    const r = await get("/", { "accept-language": "de" });
    const inline = [...r.body.matchAll(/<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(inline).toEqual([THEME_BOOT_SCRIPT]);
    expect(r.body.indexOf(THEME_BOOT_SCRIPT)).toBeLessThan(r.body.indexOf("<body"));
    expect(r.headers.get("content-security-policy")).toContain(
      `'sha256-${createHash("sha256").update(THEME_BOOT_SCRIPT).digest("base64")}'`,
    );
  });

  describe.skipIf(missing("chromium"))("in headless Chromium", () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    async function open(path: string, options: BrowserContextOptions): Promise<Page> {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await page.goto(`${web.url}${path}`, { waitUntil: "load" });
      return page;
    }

    const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const LIGHT_BG = "rgb(247, 248, 250)";
    const DARK_BG = "rgb(15, 20, 26)";

    // German in the light theme and Simplified Chinese in the dark one: both languages, both themes (and
    // each theme's colours under axe), at half the time of all four pairs.
    for (const [locale, colorScheme] of [
      ["de", "light"],
      ["zh-CN", "dark"],
    ] as const) {
      it(`/ and a monitor page in ${locale}, ${colorScheme}: text, <html lang>, theme and axe`, async () => {
        const tr = translator(locale);
        const options = { extraHTTPHeaders: { "accept-language": locale }, colorScheme };
        const home = await open("/", options);
        expect(await home.getAttribute("html", "lang")).toBe(locale);
        expect(await home.locator("h1").textContent()).toBe(tr.t("site.title"));
        expect(await home.locator(".window-picker legend").textContent()).toBe(tr.t("home.uptimeOver"));
        expect(await home.locator("nav.langs [aria-current]").textContent()).toBe({ de: "Deutsch", "zh-CN": "简体中文" }[locale]);
        // The tooltip script speaks the page's language: the last day's words as the server wrote them.
        const row = home.locator('.row[data-monitor="web-app"] .bars');
        const serverWords = await row.getAttribute("aria-valuetext");
        await row.focus();
        await home.keyboard.press("ArrowLeft");
        await home.keyboard.press("ArrowRight");
        expect(await row.getAttribute("aria-valuetext")).toBe(serverWords);
        expect(serverWords).toContain(tr.t("day.noDowntime"));
        expect(await background(home)).toBe(colorScheme === "dark" ? DARK_BG : LIGHT_BG);
        expect(await home.locator("[data-theme-toggle]").getAttribute("aria-pressed")).toBe(String(colorScheme === "dark"));
        expect(await seriousAxeViolations(home)).toEqual([]);

        const monitor = await open("/monitors/registry-api", options);
        expect(await monitor.getAttribute("html", "lang")).toBe(locale);
        expect(await monitor.locator("#uptime-h").textContent()).toBe(tr.t("monitor.uptime"));
        expect(await monitor.locator("#incidents-h").textContent()).toBe(tr.t("incidents.title"));
        expect(await monitor.locator("a", { hasText: tr.t("monitor.back") }).count()).toBe(1);
        // The chart, in the page's language, once it scrolls into view.
        await monitor.locator("[data-testid=chart-slot]").scrollIntoViewIfNeeded();
        await monitor.locator("[data-testid=response-chart]").waitFor();
        expect(await monitor.locator(".chart-tabs").getAttribute("aria-label")).toBe(tr.t("chart.range"));
        expect(await background(monitor)).toBe(colorScheme === "dark" ? DARK_BG : LIGHT_BG);
        expect(await seriousAxeViolations(monitor)).toEqual([]);
        await home.context().close();
        await monitor.context().close();
      });
    }

    it("the toggle's choice is kept and applied before the first paint; the switcher's language follows the reader", async () => {
      const context = await browser.newContext({ colorScheme: "light", extraHTTPHeaders: { "accept-language": "en" } });
      const page = await context.newPage();
      await page.goto(`${web.url}/`);
      expect(await background(page)).toBe(LIGHT_BG);
      await page.locator("[data-theme-toggle]").click();
      expect(await page.getAttribute("html", "data-theme")).toBe("dark");
      expect(await background(page)).toBe(DARK_BG);
      // On the next page the theme is set by the head's script before the body exists: the first
      // style the body ever gets is the dark one.
      await page.addInitScript(() => {
        new MutationObserver((_, obs) => {
          if (document.body) {
            (window as unknown as { firstBg: string }).firstBg =
              `${document.documentElement.getAttribute("data-theme")}|${getComputedStyle(document.body).backgroundColor}`;
            obs.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto(`${web.url}/monitors/web-app`);
      expect(await page.evaluate(() => (window as unknown as { firstBg: string }).firstBg)).toBe(`dark|${DARK_BG}`);
      // Back to light, kept too.
      await page.locator("[data-theme-toggle]").click();
      await page.reload();
      expect(await background(page)).toBe(LIGHT_BG);

      // The switcher: a link, then every page in that language.
      await page.locator("nav.langs a", { hasText: "Deutsch" }).click();
      await page.waitForURL(`${web.url}/monitors/web-app`);
      expect(await page.getAttribute("html", "lang")).toBe("de");
      await page.goto(`${web.url}/`);
      expect(await page.getAttribute("html", "lang")).toBe("de");
      await context.close();
    });
  });
});
