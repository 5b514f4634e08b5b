import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRdapServer } from "../helpers/rdap-server";
import { defineMonitor } from "../helpers/definitions";
import { runProbe } from "@/monitors/probes/run-probe";
import { sharedBootstrapCache } from "@/monitors/probes/rdap/bootstrap";
import { sharedRdapThrottle } from "@/monitors/probes/rdap/domain-probe";

let rdap: Awaited<ReturnType<typeof startRdapServer>>;

beforeAll(async () => {
  rdap = await startRdapServer();
});
afterAll(() => rdap.close());
beforeEach(() => {
  sharedBootstrapCache.clear();
  sharedRdapThrottle.clear();
  rdap.requests.length = 0;
});

/** A domain monitor asking the loopback server directly (rdap_url), as a private TLD would. */
const probe = (domain: string, m: Record<string, unknown> = {}, env: Record<string, string> = {}) =>
  runProbe(defineMonitor({ kind: "domain", domain, rdap_url: `${rdap.url}/rdap/`, ...m }), { env });

describe("domain probe against a loopback RDAP server", () => {
  it("a registered domain expiring in 400 days is up, with the dates and days left in its details", async () => {
    const r = await probe("valid.test");
    expect(r.status).toBe("up");
    expect(r.error).toBeUndefined();
    expect(r.details).toMatchObject({
      httpStatus: 200,
      daysLeft: 399,
      registeredAt: "2021-03-04T12:00:00.000Z",
      lastChangedAt: "2025-11-02T08:30:00.000Z",
      domainStatus: ["active", "client transfer prohibited"],
      rdapServer: rdap.url,
    });
    const left = Date.parse(r.details.expiresAt as string) - Date.now();
    expect(left).toBeGreaterThan(399.9 * 86_400_000);
    expect(left).toBeLessThanOrEqual(400 * 86_400_000);
    expect(r.phases.totalMs).toBeGreaterThan(0);
    expect(rdap.requests).toEqual(["/rdap/domain/valid.test"]);
  });

  it("an expiry within expiry_warn_days is degraded, named with the date and days", async () => {
    const r = await probe("soon.test");
    expect(r).toMatchObject({ status: "degraded", errorClass: "assertion", details: { daysLeft: 9 } });
    expect(r.error).toMatch(/^domain expires on \d{4}-\d\d-\d\d, in 9 days \(warning from 30 days\)$/);
    // The window is the monitor's: 5 days of warning make 9½ days left fine.
    expect((await probe("soon.test", { expiry_warn_days: 5 })).status).toBe("up");
  });

  it("an expired domain is down", async () => {
    const r = await probe("expired.test");
    expect(r).toMatchObject({ status: "down", errorClass: "assertion", details: { daysLeft: -3 } });
    expect(r.error).toMatch(/^domain expired on \d{4}-\d\d-\d\d \(3 days ago\)$/);
  });

  it('"redemption period" and "pending delete" are down whatever the expiry date says', async () => {
    expect(await probe("redemption.test")).toMatchObject({
      status: "down",
      errorClass: "assertion",
      error: 'domain status is "redemption period": the registration lapsed and is in its redemption period',
    });
    const pending = await probe("pending-delete.test");
    expect(pending).toMatchObject({
      status: "down",
      error: 'domain status is "pending delete": the registry is about to delete the domain',
      details: { domainStatus: ["inactive", "pending delete"] },
    });
    expect(pending.details.expiresAt).toBeTypeOf("string");
  });

  it("a 404 is down: the domain is not found", async () => {
    expect(await probe("missing.test")).toMatchObject({
      status: "down",
      errorClass: "http_status",
      error: "domain not found: the RDAP server answered 404 for missing.test (not registered, or deleted)",
      details: { httpStatus: 404 },
    });
  });

  it("malformed JSON, a non-domain object, an unreadable date, an answer over the cap and one for another name are down, the reason named", async () => {
    const bad = await probe("malformed.test");
    expect(bad).toMatchObject({ status: "down", errorClass: "protocol" });
    expect(bad.error).toMatch(/^RDAP answer is not valid JSON \(/);
    expect(await probe("not-domain.test")).toMatchObject({
      status: "down",
      errorClass: "protocol",
      error: 'RDAP answer: not an RDAP domain object: objectClassName: objectClassName must be "domain"',
    });
    expect(await probe("bad-date.test")).toMatchObject({
      status: "down",
      error: 'RDAP answer: the "expiration" event\'s eventDate is not a date: "next tuesday"',
    });
    expect(await probe("huge.test")).toMatchObject({
      status: "down",
      errorClass: "protocol",
      error: "RDAP answer is larger than 524288 bytes",
    });
    expect(await probe("wrong-name.test")).toMatchObject({
      status: "down",
      error: "RDAP answer is for someone-else.test, not wrong-name.test",
    });
  });

  it("an answer without an expiration event is degraded, not up and not down", async () => {
    const r = await probe("no-expiry.test");
    expect(r).toMatchObject({
      status: "degraded",
      errorClass: "protocol",
      error: "RDAP answer has no expiration event: the expiry date cannot be watched",
    });
    expect(r.details.expiresAt).toBeUndefined();
  });

  it("a server that never answers is a timeout within the monitor's timeout", async () => {
    const started = Date.now();
    const r = await probe("hang.test", { timeout: "400ms" });
    expect(r).toMatchObject({ status: "down", errorClass: "timeout", error: "RDAP query: timeout" });
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it("a refused connection is down, named", async () => {
    const r = await runProbe(defineMonitor({ kind: "domain", domain: "valid.test", rdap_url: "http://127.0.0.1:1/" }));
    expect(r).toMatchObject({ status: "down", errorClass: "connect" });
    expect(r.error).toMatch(/^RDAP query: ECONNREFUSED/);
  });

  it("a 503 is down; a 429 is degraded, and with Retry-After the server is not asked again before then", async () => {
    expect(await probe("unavailable.test")).toMatchObject({
      status: "down",
      errorClass: "http_status",
      error: `RDAP server 127.0.0.1:${rdap.port} answered 503`,
    });
    const limited = await probe("ratelimited.test");
    expect(limited).toMatchObject({
      status: "degraded",
      errorClass: "http_status",
      error: `RDAP server 127.0.0.1:${rdap.port} rate-limited the query (429, retry after 120 s); the domain's state is unknown`,
    });
    const again = await probe("valid.test");
    expect(again.status).toBe("degraded");
    expect(again.error).toMatch(/asked us to wait \(429\) until .*; not asked again before then/);
    expect(rdap.requests.filter((p) => p.startsWith("/rdap/domain/"))).toEqual([
      "/rdap/domain/unavailable.test",
      "/rdap/domain/ratelimited.test",
    ]);
  });

  it("follows redirects as RDAP servers use them, and stops a redirect loop", async () => {
    const moved = await probe("moved.test");
    expect(moved).toMatchObject({ status: "up", details: { redirects: 1, httpStatus: 200 } });
    expect(rdap.requests).toEqual(["/rdap/domain/moved.test", "/other/domain/moved.test"]);
    const loop = await probe("loop.test");
    expect(loop).toMatchObject({
      status: "down",
      errorClass: "protocol",
      error: `RDAP query: more than 5 redirects (last to 127.0.0.1:${rdap.port})`,
    });
    expect(rdap.requests.filter((p) => p === "/rdap/domain/loop.test")).toHaveLength(6);
  });

  it("finds the server through the bootstrap file named by RDAP_BOOTSTRAP_URL: the longest match wins, one download serves many checks", async () => {
    rdap.setBootstrap(200, {
      version: "1.0",
      publication: "2026-12-01T00:00:00Z",
      services: [
        [["test", "example"], [`${rdap.url}/rdap/`]],
        [["zone.test"], ["ftp://ignored.example/", `${rdap.url}/other/`]],
      ],
    });
    const env = { RDAP_BOOTSTRAP_URL: `${rdap.url}/bootstrap.json` };
    const boot = (domain: string) => runProbe(defineMonitor({ kind: "domain", domain }), { env });
    const [a, b] = await Promise.all([boot("valid.test"), boot("soon.test")]);
    expect(a.status).toBe("up");
    expect(b.status).toBe("degraded");
    // "zone.test" (two labels) wins over "test" for a name under it.
    expect((await boot("shop.zone.test")).status).toBe("up");
    expect(rdap.requests.filter((p) => p === "/bootstrap.json")).toHaveLength(1);
    expect(rdap.requests).toContain("/other/domain/shop.zone.test");
    expect(rdap.requests).toContain("/rdap/domain/valid.test");

    // A TLD the file does not list is a config failure that says what to do.
    expect(await boot("valid.nowhere")).toMatchObject({
      status: "down",
      errorClass: "config",
      error: `no RDAP server for valid.nowhere in the bootstrap file ${rdap.url}/bootstrap.json; set rdap_url`,
    });
    // rdap_url overrides the bootstrap file.
    rdap.requests.length = 0;
    const direct = await runProbe(defineMonitor({ kind: "domain", domain: "valid.test", rdap_url: `${rdap.url}/other` }), { env });
    expect(direct.status).toBe("up");
    expect(rdap.requests).toEqual(["/other/domain/valid.test"]);
  });

  it("a bootstrap file that fails to download or is malformed, or a bad RDAP_BOOTSTRAP_URL, is down, named", async () => {
    const env = { RDAP_BOOTSTRAP_URL: `${rdap.url}/bootstrap.json` };
    const boot = () => runProbe(defineMonitor({ kind: "domain", domain: "valid.test" }), { env });
    rdap.setBootstrap(500, { error: "oops" });
    expect(await boot()).toMatchObject({
      status: "down",
      errorClass: "protocol",
      error: `RDAP bootstrap: bootstrap file ${rdap.url}/bootstrap.json answered 500`,
    });
    expect(
      await runProbe(defineMonitor({ kind: "domain", domain: "valid.test" }), {
        env: { RDAP_BOOTSTRAP_URL: "data.iana.org/rdap/dns.json" },
      }),
    ).toMatchObject({
      status: "down",
      errorClass: "config",
      error: 'RDAP_BOOTSTRAP_URL must be an http or https URL, got "data.iana.org/rdap/dns.json"',
    });
    rdap.setBootstrap(200, { services: [[["test"], "not-a-list"]] });
    expect(await boot()).toMatchObject({
      status: "down",
      error: "RDAP bootstrap: bootstrap file is malformed at services.0.1: Invalid input: expected array, received string",
    });
  });
});
