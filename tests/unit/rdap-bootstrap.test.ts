import { describe, expect, it } from "vitest";
import { BOOTSTRAP_TTL_MS, BootstrapCache, BootstrapError, parseBootstrap, rdapBaseFor } from "@/monitors/probes/rdap/bootstrap";
import { readDomainRecord } from "@/monitors/probes/rdap/domain-record";
import { expiryLevel, wholeDays } from "@/monitors/probes/rdap/expiry-level";

const DAY = 86_400_000;

// Shaped like IANA's dns.json (RFC 9224 §4's example, with entries of one and two labels).
const FILE = JSON.stringify({
  version: "1.0",
  publication: "2026-12-01T12:00:00Z",
  description: "RDAP bootstrap file for Domain Name System registrations",
  services: [
    [["net", "com"], ["https://registry.example.com/myrdap/"]],
    [
      ["org", "mytld"],
      ["http://example.org/", "https://example.org/"],
    ],
    [["co.uk"], ["https://rdap.co-uk.example/"]],
    [["uk"], ["https://rdap.uk.example/"]],
    [["dev", "app"], ["https://pubapi.registry.google/rdap/"]],
    [["old"], ["ftp://only-ftp.example/"]],
  ],
});

describe("RDAP bootstrap (RFC 9224)", () => {
  const table = parseBootstrap(FILE);

  it("the entry matching the most labels wins; https is preferred; no match is null", () => {
    expect(rdapBaseFor(table, "openregistry.dev")).toBe("https://pubapi.registry.google/rdap/");
    expect(rdapBaseFor(table, "shop.example.co.uk")).toBe("https://rdap.co-uk.example/");
    expect(rdapBaseFor(table, "example.uk")).toBe("https://rdap.uk.example/");
    expect(rdapBaseFor(table, "Example.ORG.")).toBe("https://example.org/");
    expect(rdapBaseFor(table, "example.nowhere")).toBeNull();
    // An entry whose only URL is not http(s) is left out.
    expect(rdapBaseFor(table, "example.old")).toBeNull();
  });

  it("a malformed file names what is wrong", () => {
    expect(() => parseBootstrap("<html>")).toThrow(BootstrapError);
    expect(() => parseBootstrap("<html>")).toThrow(/^bootstrap file is not JSON/);
    expect(() => parseBootstrap(JSON.stringify({ version: "1.0" }))).toThrow(
      "bootstrap file is malformed at services: Invalid input: expected array, received undefined",
    );
    expect(() => parseBootstrap(JSON.stringify({ services: [[["dev"]]] }))).toThrow(/^bootstrap file is malformed at services\.0/);
  });

  it("keeps a table for a day (by the injected clock), shares one download, and falls back to the old table when a refresh fails", async () => {
    let now = 1_000_000;
    const cache = new BootstrapCache(() => now);
    let downloads = 0;
    let fail = false;
    const fetchText = async () => {
      downloads++;
      await Promise.resolve();
      if (fail) throw new Error("ECONNRESET");
      return FILE;
    };
    const [a, b] = await Promise.all([cache.table("u", fetchText), cache.table("u", fetchText)]);
    expect(downloads).toBe(1);
    expect(a.table).toBe(b.table);
    now += BOOTSTRAP_TTL_MS - 1;
    await cache.table("u", fetchText);
    expect(downloads).toBe(1);
    now += 1; // a day old: fetched again
    expect((await cache.table("u", fetchText)).stale).toBe(false);
    expect(downloads).toBe(2);
    now += BOOTSTRAP_TTL_MS;
    fail = true;
    const stale = await cache.table("u", fetchText);
    expect(stale.stale).toBe(true);
    expect(rdapBaseFor(stale.table, "openregistry.dev")).toBe("https://pubapi.registry.google/rdap/");
    expect(downloads).toBe(3);
    // Another URL has no old table: the error goes to the check.
    await expect(cache.table("other", fetchText)).rejects.toThrow("ECONNRESET");
  });
});

describe("RDAP domain object (RFC 9083)", () => {
  it("reads status and the expiration, registration and last changed events", () => {
    const r = readDomainRecord({
      objectClassName: "domain",
      ldhName: "openregistry.dev",
      status: ["Active", "client transfer prohibited"],
      events: [
        { eventAction: "registration", eventDate: "2021-03-04T12:00:00Z" },
        { eventAction: "expiration", eventDate: "2027-03-04T12:00:00Z" },
        { eventAction: "last changed", eventDate: "2026-02-01T00:00:00.000Z" },
        { eventAction: "last update of RDAP database", eventDate: "2026-12-07T20:00:00Z" },
      ],
    });
    expect(r).toEqual({
      ok: true,
      record: {
        ldhName: "openregistry.dev",
        status: ["active", "client transfer prohibited"],
        expiresAt: new Date("2027-03-04T12:00:00Z"),
        registeredAt: new Date("2021-03-04T12:00:00Z"),
        lastChangedAt: new Date("2026-02-01T00:00:00Z"),
      },
    });
  });

  it("says what is wrong with an answer that is not a domain object", () => {
    expect(readDomainRecord([])).toMatchObject({ ok: false });
    expect(readDomainRecord({ objectClassName: "domain", events: "soon" })).toEqual({
      ok: false,
      problem: "not an RDAP domain object: events: Invalid input: expected array, received string",
    });
  });
});

describe("expiry thresholds shared by the probe, the page and the badge", () => {
  it("expired at or past the date, a warning within the window, fine before; whole days toward zero", () => {
    expect(expiryLevel(0, 30)).toBe("expired");
    expect(expiryLevel(-1, 30)).toBe("expired");
    expect(expiryLevel(30 * DAY, 30)).toBe("warn");
    expect(expiryLevel(30 * DAY + 1, 30)).toBe("ok");
    expect(wholeDays(0.5 * DAY)).toBe(0);
    expect(wholeDays(-3.5 * DAY)).toBe(-3);
    expect(Object.is(wholeDays(-0.5 * DAY), 0)).toBe(true);
  });
});
