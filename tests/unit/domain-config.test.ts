import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/monitors/config/load";

const config = (monitor: string) =>
  `version: 1\ndefaults: { interval: 60s }\nmonitors:\n  - { slug: web, name: Web, kind: http, url: "https://example.test/" }\n  - ${monitor}\n`;

function problems(text: string): string[] {
  try {
    parseConfig(text, "bad.yaml", {});
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.split("\n");
  }
  throw new Error("config was accepted");
}

describe("domain monitor config", () => {
  it("fills the kind's defaults: every 6 hours (not defaults.interval), a 30-day warning, the bootstrap file", () => {
    const [web, domain] = parseConfig(
      config("{ slug: dom, name: Domain, kind: domain, domain: openregistry.dev }"),
      "ok.yaml",
      {},
    ).monitors;
    expect(web.intervalMs).toBe(60_000);
    expect(domain).toMatchObject({ kind: "domain", intervalMs: 6 * 3_600_000, timeoutMs: 10_000 });
    expect(domain.spec).toMatchObject({ domain: "openregistry.dev", expiry_warn_days: 30 });
    expect("rdap_url" in domain.spec).toBe(false);
  });

  it("accepts its own interval, a warning window, an RDAP URL, an IDN and a trailing dot", () => {
    const [, d] = parseConfig(
      config(
        '{ slug: dom, name: Domain, kind: domain, domain: "bücher.de.", expiry_warn_days: 60, interval: 12h, rdap_url: "https://rdap.denic.de/" }',
      ),
      "ok.yaml",
      {},
    ).monitors;
    expect(d).toMatchObject({ intervalMs: 12 * 3_600_000, spec: { expiry_warn_days: 60, rdap_url: "https://rdap.denic.de/" } });
  });

  const cases: Array<[string, string, string]> = [
    [
      "a warning window of 0",
      "expiry_warn_days: 0",
      "expiry_warn_days: expiry_warn_days must be a whole number of days from 1 to 365, got 0",
    ],
    [
      "a fractional window",
      "expiry_warn_days: 1.5",
      "expiry_warn_days: expiry_warn_days must be a whole number of days from 1 to 365, got 1.5",
    ],
    [
      "a window as text",
      'expiry_warn_days: "30"',
      'expiry_warn_days: expiry_warn_days must be a whole number of days from 1 to 365, got "30"',
    ],
    [
      "a window over a year",
      "expiry_warn_days: 400",
      "expiry_warn_days: expiry_warn_days must be a whole number of days from 1 to 365, got 400",
    ],
    [
      "a URL for a name",
      'domain: "https://openregistry.dev/"',
      'domain: domain must be a registered domain name such as openregistry.dev (no scheme, path, port or IP address), got "https://openregistry.dev/"',
    ],
    [
      "a single label",
      "domain: localhost",
      'domain: domain must be a registered domain name such as openregistry.dev (no scheme, path, port or IP address), got "localhost"',
    ],
    ["an IP address", "domain: 203.0.113.7", 'got "203.0.113.7"'],
    ["an empty label", 'domain: "open..dev"', 'got "open..dev"'],
    ["a label ending in a dash", "domain: open-.dev", 'got "open-.dev"'],
    ["a port", 'domain: "openregistry.dev:443"', 'got "openregistry.dev:443"'],
    ["an RDAP URL that is not http", 'rdap_url: "ftp://rdap.example/"', "rdap_url: URL must be http: or https:, got ftp:"],
    ["a field of another kind", "url: https://openregistry.dev/", 'unknown field "url"'],
    ["an interval over a day", "interval: 2d", ".interval: must be between 1s and 1d, got 172800s"],
  ];
  for (const [name, field, message] of cases) {
    it(`refuses ${name}, naming the YAML path`, () => {
      const domain = /^domain:/.test(field) ? "" : "domain: openregistry.dev, ";
      const lines = problems(config(`{ slug: dom, name: Domain, kind: domain, ${domain}${field} }`));
      expect(
        lines.some((l) => l.startsWith("bad.yaml: monitors[1] (dom)") && l.includes(message)),
        `got:\n${lines.join("\n")}`,
      ).toBe(true);
    });
  }

  it("a missing domain is named", () => {
    expect(problems(config("{ slug: dom, name: Domain, kind: domain }"))).toContain(
      "bad.yaml: monitors[1] (dom).domain: Invalid input: expected string, received undefined",
    );
  });
});
