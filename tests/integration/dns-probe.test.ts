import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDnsServer } from "../helpers/dns-server";
import { defineMonitor } from "../helpers/definitions";
import { runProbe } from "@/monitors/probes/run-probe";

let dns: Awaited<ReturnType<typeof startDnsServer>>;

beforeAll(async () => {
  dns = await startDnsServer({
    a: { "registry.test": ["10.0.0.1", "10.0.0.2"] },
    txt: { "txt.test": ["v=spf1 -all"] },
    servfail: ["broken.test"],
    silent: ["slow.test"],
  });
});
afterAll(() => dns.close());

const probe = (m: Record<string, unknown>) => runProbe(defineMonitor({ kind: "dns", resolver: dns.address, ...m }));

describe("dns probe against a local DNS server", () => {
  it("checks A answers against the expected set", async () => {
    const r = await probe({ query: "registry.test", expect: { equals: ["10.0.0.2", "10.0.0.1"] } });
    expect(r.status).toBe("up");
    expect(r.details.answers).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(r.phases.dnsMs).toBeGreaterThanOrEqual(0);
    expect(dns.queries).toContain("registry.test/1");
  });

  it("a missing expected answer is down with the difference", async () => {
    const r = await probe({ query: "registry.test", expect: { includes: ["10.0.0.9"] } });
    expect(r).toMatchObject({ status: "down", errorClass: "assertion", error: "answer lacks 10.0.0.9" });
  });

  it("checks TXT records", async () => {
    expect((await probe({ query: "txt.test", record: "TXT", expect: { includes: ["v=spf1 -all"] } })).status).toBe("up");
  });

  it("NXDOMAIN and SERVFAIL are down, the reason named", async () => {
    expect(await probe({ query: "nope.test" })).toMatchObject({
      status: "down",
      errorClass: "dns",
      error: "DNS NXDOMAIN (name not found)",
    });
    expect(await probe({ query: "broken.test" })).toMatchObject({
      status: "down",
      errorClass: "dns",
      error: "DNS SERVFAIL from the resolver",
    });
  });

  it("a resolver that never answers is a timeout", async () => {
    const r = await probe({ query: "slow.test", timeout: "500ms" });
    expect(r).toMatchObject({ status: "down", errorClass: "timeout" });
  });
});
