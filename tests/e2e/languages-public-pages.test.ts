// The App Router's public pages (history, an incident, the sign-up and the pages its mails link to)
// in the reader's language, against the real web process: the same choice as the home page's
// (Accept-Language, the switcher's cookie), <html lang>, the words and times, the caches keyed on
// the language (alternating readers never get another's), and the sign-up's answers; then in
// Chromium the local times in the page's language and axe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { launchBrowser, seriousAxeViolations } from "../helpers/browser";
import { missing } from "../helpers/external-parts";
import { seedPublicFixture } from "../helpers/public-fixture";
import { translator } from "@/monitors/i18n/translator";
import { LOCALES, type Locale } from "@/monitors/i18n/locales";

const langOf = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];
// React writes text as HTML: an apostrophe or ampersand in a message is escaped in the page.
const html = (text: string) => text.replace(/&/g, "&amp;").replace(/'/g, "&#x27;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

describe("the App Router's public pages in the reader's language", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let fixture: Awaited<ReturnType<typeof seedPublicFixture>>;

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${web.url}${path}`, { headers, redirect: "manual" });
    return { status: r.status, headers: r.headers, body: await r.text() };
  };

  beforeAll(async () => {
    t = await createTempDb();
    fixture = await seedPublicFixture(t.db);
    // SMTP_URL only makes /subscribe exist; no mail is sent here.
    web = await startWeb(t.url, { PAGE_REFRESH_MS: "500", SMTP_URL: "smtp://127.0.0.1:9", SMTP_FROM: "Status <status@example.test>" });
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
    await t?.cleanup();
  });

  /** The words each page must show in its language, and English words it must not show in another. */
  function expectations(locale: Locale) {
    const tr = translator(locale);
    const active = fixture.active;
    return [
      {
        path: "/history",
        words: [`<h1>${html(tr.t("history.title"))}</h1>`, html(tr.t("incident.impact", { impact: tr.t("impact.major") }))],
        english: ["<h1>History</h1>", "impact major"],
      },
      {
        path: `/incidents/${active.id}`,
        words: [
          `>${html(tr.t("incident.updates"))}</h2>`,
          `>${html(tr.t("incidentStatus.identified"))}</strong>`,
          `<time dateTime="${active.startedAt.toISOString()}"`,
          html(tr.utc(active.startedAt)),
          html(tr.t("incident.ongoingFor", { duration: "" }).trim()),
          html(tr.t("nav.history")),
        ],
        english: [">Updates</h2>", "ongoing for", `>Started `],
      },
      {
        path: "/subscribe",
        words: [html(tr.t("subscribe.title")), html(tr.t("subscribe.button")), html(tr.t("subscribe.some")), html(tr.t("subscribe.email"))],
        english: [">Only some components<", ">Email</label>"],
      },
      {
        path: "/subscribe/result?r=confirmed",
        words: [html(tr.t("subscription.confirmed")), html(tr.t("subscription.back"))],
        english: ["Subscribed. You will", "Back to the status page"],
      },
      {
        path: "/subscribe/confirm/not-a-real-token",
        words: [html(tr.t("subscription.confirmTitle")), html(tr.t("subscription.confirmText")), html(tr.t("subscription.confirm"))],
        english: ["Confirm your subscription"],
      },
      {
        path: "/unsubscribe/not-a-real-token",
        words: [html(tr.t("unsubscribe.question")), html(tr.t("unsubscribe.button"))],
        english: ["Stop all emails"],
      },
    ];
  }

  it.each(LOCALES)("in %s: <html lang>, Content-Language, Vary, the words, UTC times with <time datetime>", async (locale) => {
    const accept = { en: "en-GB,en;q=0.9", de: "de-AT,de;q=0.9", "zh-CN": "zh-Hans-CN,zh;q=0.9" }[locale];
    for (const page of expectations(locale)) {
      const r = await get(page.path, { "accept-language": accept });
      expect(r.status, page.path).toBe(200);
      expect(langOf(r.body), page.path).toBe(locale);
      expect(r.headers.get("content-language"), page.path).toBe(locale);
      expect(r.headers.get("vary"), page.path).toMatch(/Accept-Language.*Cookie|Cookie.*Accept-Language/);
      for (const w of page.words) expect(r.body, `${locale} ${page.path}`).toContain(w);
      if (locale !== "en") for (const w of page.english) expect(r.body, `${locale} ${page.path}`).not.toContain(w);
    }
  });

  it("the switcher's cookie wins over Accept-Language here too; ?lang= sets it; a forged language header is ignored", async () => {
    const id = fixture.active.id;
    const chosen = await get(`/incidents/${id}`, { "accept-language": "de", cookie: "lang=zh-CN" });
    expect(langOf(chosen.body)).toBe("zh-CN");
    expect(chosen.body).toContain(translator("zh-CN").t("incident.updates"));
    const switched = await get("/history?before=2026-01-01&lang=de", { "accept-language": "en" });
    expect(switched.status).toBe(303);
    expect(switched.headers.get("location")).toBe("/history?before=2026-01-01");
    expect(switched.headers.get("set-cookie")).toMatch(/^lang=de;/);
    expect((await get("/subscribe?lang=xx")).status).toBe(400);
    // The layout's language comes from the path the web process routed to, never from a client.
    const forged = await get("/history", { "accept-language": "en", "x-status-page-locale": "de" });
    expect(langOf(forged.body)).toBe("en");
    expect(forged.body).toContain("<h1>History</h1>");
    // English has one address; a language the site does not have is not a page.
    for (const path of ["/l/en/history", "/l/fr/history", `/l/fr/incidents/${id}`, "/l/en/subscribe"])
      expect((await get(path)).status, path).toBe(404);
    // An incident that does not exist is a 404 in the reader's language; an unknown address too.
    const gone = await get("/incidents/999999", { "accept-language": "de" });
    expect(gone.status).toBe(404);
    expect(langOf(gone.body)).toBe("de");
    expect(gone.body).toContain(translator("de").t("notFound.title"));
    const nowhere = await get("/no-such-page", { "accept-language": "zh-CN" });
    expect(nowhere.status).toBe(404);
    expect(langOf(nowhere.body)).toBe("en");
    expect(nowhere.body).toContain(translator("en").t("notFound.title"));
    // Pages that are not translated keep English.
    expect(langOf((await get("/admin/login", { "accept-language": "de" })).body)).toBe("en");
  });

  it("the caches key on the language: alternating readers each get their own, from the caches", async () => {
    const readers: Array<[string, Locale]> = [
      ["de", "de"],
      ["en-US", "en"],
      ["zh-CN", "zh-CN"],
    ];
    const paths = [`/incidents/${fixture.active.id}`, "/history"];
    // The incident page is kept by the refresher in the page cache (every 500 ms here): each asked-for
    // language's answer is a hit of its own. The history page is rendered for each request (it is
    // never cached), and must still never answer in another reader's language.
    const hits = new Set<string>();
    const until = Date.now() + 20_000;
    let rounds = 0;
    while ((hits.size < readers.length || rounds < 5) && Date.now() < until) {
      rounds++;
      for (const [header, locale] of readers) {
        for (const path of paths) {
          const r = await get(path, { "accept-language": header, "accept-encoding": "br" });
          expect(langOf(r.body), `${path} for ${header}`).toBe(locale);
          const title = translator(locale).t(path === "/history" ? "history.title" : "incident.updates");
          expect(r.body, `${path} for ${header}`).toContain(html(title));
          if (r.headers.get("x-page-cache") === "HIT" || r.headers.get("x-micro-cache") === "HIT") hits.add(`${path}|${locale}`);
        }
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    expect([...hits].sort()).toEqual(readers.map(([, l]) => `${paths[0]}|${l}`).sort());
  });

  it("the sign-up's answers are in the reader's language; the API keeps English for English", async () => {
    const post = (body: unknown, language: string) =>
      fetch(`${web.url}/api/subscribe`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-status-request": "1",
          "sec-fetch-site": "same-origin",
          "accept-language": language,
        },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: await r.json() }));
    expect(await post({ email: "nope" }, "de")).toEqual({ status: 400, json: { errors: { email: "keine E-Mail-Adresse" } } });
    expect(await post({ email: "a@example.test", monitors: ["no-such"] }, "zh-CN")).toEqual({
      status: 400,
      json: { errors: { monitors: "未知组件：no-such" } },
    });
    expect(await post({ email: "nope" }, "en")).toEqual({ status: 400, json: { errors: { email: "not an email address" } } });
    const ok = await post({ email: "leser@example.test" }, "de");
    expect(ok).toEqual({ status: 200, json: { ok: true, message: translator("de").t("subscribe.checkInbox") } });
  });

  describe.skipIf(missing("chromium"))("in headless Chromium", () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    for (const locale of ["de", "zh-CN"] as const) {
      it(`the incident, history and sign-up pages in ${locale}: local times in the page's language, labels, axe`, async () => {
        const tr = translator(locale);
        const context = await browser.newContext({ extraHTTPHeaders: { "accept-language": locale }, timezoneId: "Asia/Tokyo" });
        const page = await context.newPage();
        await page.goto(`${web.url}/incidents/${fixture.active.id}`, { waitUntil: "load" });
        expect(await page.getAttribute("html", "lang")).toBe(locale);
        expect(await page.locator("#timeline-h").textContent()).toBe(tr.t("incident.updates"));
        // After hydration every time reads in the reader's zone, in the page's language.
        const time = page.locator("time[datetime]").first();
        const iso = (await time.getAttribute("datetime"))!;
        const expected = new Intl.DateTimeFormat(locale, {
          year: "numeric",
          month: "short",
          day: "numeric",
          hour: "2-digit",
          minute: "2-digit",
          hourCycle: "h23",
          timeZoneName: "short",
          timeZone: "Asia/Tokyo",
        }).format(new Date(iso));
        await expect.poll(() => time.textContent(), { timeout: 5000 }).toBe(expected);
        expect(await seriousAxeViolations(page)).toEqual([]);

        await page.goto(`${web.url}/history`, { waitUntil: "load" });
        expect(await page.getAttribute("html", "lang")).toBe(locale);
        expect(await page.locator("h1").textContent()).toBe(tr.t("history.title"));
        expect(await seriousAxeViolations(page)).toEqual([]);

        // The form is React's: it answers once hydrated.
        await page.goto(`${web.url}/subscribe`, { waitUntil: "networkidle" });
        expect(await page.getAttribute("html", "lang")).toBe(locale);
        // The field has its label in the page's language.
        await expect.poll(() => page.getByLabel(tr.t("subscribe.email")).count()).toBe(1);
        await page.getByLabel(tr.t("subscribe.email")).fill("nope");
        await page.getByRole("button", { name: tr.t("subscribe.button") }).click();
        await expect.poll(() => page.locator("#subscribe-error").textContent()).toBe(tr.t("subscribe.error.email"));
        expect(await seriousAxeViolations(page)).toEqual([]);
        await context.close();
      });
    }
  });
});
