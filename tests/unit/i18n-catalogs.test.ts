// Every language has every message, each parses as ICU MessageFormat and uses the same arguments
// as English: a key missing in any locale fails here, not in front of a reader.
import { describe, expect, it } from "vitest";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { CATALOGS, translator } from "@/monitors/i18n/translator";
import { LOCALES, BASE_LOCALE, siteLocale } from "@/monitors/i18n/locales";
import { negotiateLocale, localeFromCookie } from "@/monitors/i18n/negotiate";
import { incidentDuration } from "@/app/_ui/incident-duration";

function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) into.add(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      into.add(e.value);
      for (const o of Object.values(e.options)) argumentsOf(o.value, into);
    }
  }
  return into;
}

const base = CATALOGS[BASE_LOCALE];

describe("message catalogs", () => {
  it.each(LOCALES.filter((l) => l !== BASE_LOCALE))("%s has exactly the English keys", (locale) => {
    const keys = Object.keys(CATALOGS[locale]);
    expect(
      Object.keys(base).filter((k) => !keys.includes(k)),
      "missing",
    ).toEqual([]);
    expect(
      keys.filter((k) => !(k in base)),
      "not in English",
    ).toEqual([]);
  });

  it.each(LOCALES)("%s: every message parses and takes the English message's arguments", (locale) => {
    for (const [key, message] of Object.entries(CATALOGS[locale])) {
      expect(message.trim(), `${locale} ${key} is empty`).not.toBe("");
      const args = [...argumentsOf(parse(message))].sort();
      expect(args, `${locale} ${key}`).toEqual([...argumentsOf(parse(base[key as keyof typeof base]))].sort());
    }
  });

  // The messages a language may share with English: names, units and patterns without words.
  // Anything else equal to English is an untranslated copy.
  const SAME_AS_ENGLISH: Record<string, string[]> = {
    de: [
      "chart.dns",
      "chart.tls",
      "email.status",
      "embed.html",
      "embed.markdown",
      "headline.incident.updated",
      "incident.monitorImpact",
      "nav.status",
      "regions.region",
      "unit.ms",
      "unit.s",
    ],
    "zh-CN": ["chart.dns", "chart.tls", "embed.html", "embed.markdown"],
  };

  it.each(LOCALES.filter((l) => l !== BASE_LOCALE))("%s is translated: no message is an English copy but the known few", (locale) => {
    const copies = Object.keys(base).filter((k) => CATALOGS[locale][k as keyof typeof base] === base[k as keyof typeof base]);
    expect(copies.sort()).toEqual(SAME_AS_ENGLISH[locale]);
  });

  it("Simplified Chinese messages are written in Chinese (every one with words has Han characters)", () => {
    const words = (m: string) => m.replace(/\{[^{}]*\}/g, "").match(/[A-Za-z]{3,}/g) ?? [];
    const noHan = Object.entries(CATALOGS["zh-CN"]).filter(
      ([k, m]) => !/\p{Script=Han}/u.test(m) && words(m).length > 0 && !SAME_AS_ENGLISH["zh-CN"].includes(k),
    );
    expect(noHan).toEqual([]);
  });

  it("the public pages' words are in every catalog (history, incident, sign-up and its mail links)", () => {
    for (const prefix of ["history.", "incident.", "subscribe.", "subscription.", "unsubscribe.", "duration."]) {
      const keys = Object.keys(base).filter((k) => k.startsWith(prefix));
      expect(keys.length, prefix).toBeGreaterThan(0);
      for (const l of LOCALES) for (const k of keys) expect(CATALOGS[l], `${l} ${k}`).toHaveProperty([k]);
    }
  });

  it("an incident's duration reads in the page's language", () => {
    const from = new Date(Date.UTC(2026, 11, 1, 10, 0));
    const after = (min: number) => new Date(from.getTime() + min * 60_000);
    expect(incidentDuration(from, after(42), translator("en"))).toBe("42 min");
    expect(incidentDuration(from, after(42), translator("de"))).toMatch(/^42\sMin\.$/);
    expect(incidentDuration(from, after(125), translator("en"))).toBe("2 h 5 min");
    expect(incidentDuration(from, after(125), translator("de"))).toBe("2 Std. 5 Min.");
    expect(incidentDuration(from, after(125), translator("zh-CN"))).toBe("2小时5分钟");
    expect(incidentDuration(from, after(3 * 1440 + 60), translator("en"))).toBe("3 days 1 h");
    expect(incidentDuration(from, after(1440 * 2), translator("de"))).toBe("2 Tage 0 Std.");
    expect(incidentDuration(from, after(3 * 1440 + 60), translator("zh-CN"))).toBe("3天1小时");
    expect(incidentDuration(after(5), from, translator("en"))).toBe("0 min"); // a clock step back is never negative
  });

  it("the check finds a missing key (a catalog with one key removed)", () => {
    const { "nav.history": _gone, ...rest } = CATALOGS.de;
    expect(Object.keys(base).filter((k) => !(k in rest))).toEqual(["nav.history"]);
  });

  it("formats numbers, durations and UTC times per locale, keeping the zone named", () => {
    const at = new Date(Date.UTC(2026, 11, 4, 14, 13));
    expect(translator("en").percent(0.99501)).toBe("99.50%");
    expect(translator("de").percent(0.99501)).toMatch(/^99,50\s%$/);
    expect(translator("en").percent(0.99999)).toBe("99.99%"); // truncated, never 100%
    expect(translator("de").percent(null)).toBe("keine Daten");
    expect(translator("de").minutes(5)).toMatch(/^5\sMin\.$/);
    expect(translator("zh-CN").minutes(5)).toBe("5分钟");
    expect(translator("de").latency(1234)).toBe("1,23 s");
    expect(translator("en").latency(123.4)).toBe("123 ms");
    for (const l of LOCALES) expect(translator(l).utc(at)).toMatch(/UTC/);
    expect(translator("en").utc(at)).toMatch(/^Dec\s4,\s2026,\s14:13\sUTC$/);
    expect(translator("de").utc(at)).toMatch(/^4\.\sDez\.\s2026,\s14:13\sUTC$/);
    expect(translator("zh-CN").utc(at)).toContain("2026年12月4日");
    expect(translator("de").t("slo.left", { duration: translator("de").minutes(12) })).toMatch(/^12\sMin\. Fehlerbudget übrig$/);
  });
});

describe("the reader's language", () => {
  it.each([
    ["de-DE,de;q=0.9,en;q=0.8", "de"],
    ["zh-CN,zh;q=0.9", "zh-CN"],
    ["zh", "zh-CN"],
    ["zh-Hans-CN", "zh-CN"],
    // Traditional Chinese is not served Simplified: the next choice, else the default.
    ["zh-TW", "en"],
    ["zh-Hant, de;q=0.3", "de"],
    ["fr, de;q=0.5", "de"],
    ["en;q=0, de", "de"],
    ["*", "en"],
    ["", "en"],
    ["xx-yy, ;q=, de;q=abc", "en"],
    ["DE", "de"],
  ])("Accept-Language %j reads %s", (header, locale) => {
    expect(negotiateLocale({ "accept-language": header }, "en")).toBe(locale);
  });

  it("the switcher's cookie wins over Accept-Language; an unknown one is ignored", () => {
    expect(negotiateLocale({ cookie: "session=x; lang=zh-CN", "accept-language": "de" }, "en")).toBe("zh-CN");
    expect(negotiateLocale({ cookie: "lang=fr", "accept-language": "de" }, "en")).toBe("de");
    expect(localeFromCookie("lang=<script>")).toBeNull();
    expect(negotiateLocale({}, "de")).toBe("de");
  });

  it("SITE_LOCALE must be one of the site's languages, and the error says which", () => {
    expect(siteLocale({})).toBe("en");
    expect(siteLocale({ SITE_LOCALE: "zh-CN" })).toBe("zh-CN");
    expect(() => siteLocale({ SITE_LOCALE: "fr" })).toThrow('SITE_LOCALE: "fr" is not a language of this site; use one of en, de, zh-CN');
  });
});
