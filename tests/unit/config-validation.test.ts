import { describe, expect, it } from "vitest";
import { writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { parseConfig, loadConfigFile, ConfigError } from "../../monitors/config/load";

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, "bad.yaml", env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.split("\n");
  }
  throw new Error("config was accepted");
}

const ok = `monitors:\n  - { slug: web, name: Web, kind: http, url: "https://example.test/" }\n`;

describe("config validation", () => {
  it("accepts a minimal config and fills defaults", () => {
    const cfg = parseConfig(ok, "ok.yaml", {});
    expect(cfg.monitors[0]).toMatchObject({ slug: "web", intervalMs: 60_000, timeoutMs: 10_000, confirm: { down: 2, up: 2 }, isPublic: true, showTarget: false });
    expect(cfg.monitors[0].phaseMs).toBeGreaterThanOrEqual(0);
    expect(cfg.monitors[0].phaseMs).toBeLessThan(60_000);
  });

  it("the shipped default monitor set is valid", () => {
    const cfg = loadConfigFile("monitors/openregistry.yaml", {});
    expect(cfg.monitors.length).toBeGreaterThanOrEqual(10);
    expect(cfg.groups.slice(0, 4)).toEqual(["Registry", "Web app", "Auth", "Storage"]);
  });

  const cases: Array<[string, string, RegExp]> = [
    ["YAML syntax error", "monitors:\n  - slug: a\n   name: b\n", /^bad\.yaml: line \d+, column \d+: /],
    ["duplicate YAML key", "monitors: []\nmonitors: []\n", /line 2.*Map keys must be unique/],
    ["empty file", "", /\(top level\): the file is empty/],
    ["monitors missing", "defaults: {}\n", /bad\.yaml: monitors: /],
    ["unknown kind", `monitors:\n  - { slug: a, name: A, kind: ftp, url: "x" }\n`, /monitors\[0\] \(a\)\.kind: kind must be one of http, tcp, dns, registry, skynet, ipfs, s3, got "ftp"/],
    ["bad slug", `monitors:\n  - { slug: "Not OK", name: A, kind: http, url: "https://a.test" }\n`, /monitors\[0\] \(Not OK\)\.slug: slug must be lowercase/],
    ["invalid URL", `monitors:\n  - { slug: a, name: A, kind: http, url: "not a url" }\n`, /monitors\[0\] \(a\)\.url: not a valid URL: "not a url"/],
    ["non-http URL", `monitors:\n  - { slug: a, name: A, kind: http, url: "ftp://a.test/" }\n`, /\.url: URL must be http: or https:, got ftp:/],
    ["wrong type", `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: "eighty" }\n`, /monitors\[0\] \(a\)\.port: .*expected number/],
    ["port out of range", `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 70000 }\n`, /\.port: .*65535/],
    ["bad duration", `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, interval: "soon" }\n`, /\.interval: interval must be a duration like "30s"/],
    ["interval out of range", `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, interval: 2d }\n`, /\.interval: must be between 1s and 1d, got 172800s/],
    ["timeout not below interval", `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, interval: 10s, timeout: 10s }\n`, /\.timeout: must be above 0 and below the interval \(10s\)/],
    ["duplicate slug", `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1 }\n  - { slug: a, name: B, kind: tcp, host: h, port: 2 }\n`, /monitors\[1\] \(a\)\.slug: duplicate slug "a", first used at monitors\[0\]/],
    ["unknown field (typo)", `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", folow_redirects: false }\n`, /monitors\[0\] \(a\): unknown field "folow_redirects"/],
    ["invalid regex", `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { body_regex: "([a-z" } }\n`, /\.expect\.body_regex: not a valid regular expression/],
    ["bad status spec", `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { status: ["ok"] } }\n`, /\.expect\.status\[0\]: status must look like 200/],
    ["json assertion without check", `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { json: [{ path: "$.a" }] } }\n`, /\.expect\.json\[0\]: a json assertion needs equals, matches or exists/],
    ["bad json path", `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { json: [{ path: "status", equals: up }] } }\n`, /\.expect\.json\[0\]\.path: path must look like/],
    ["degraded_after above timeout", `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, timeout: 1s, degraded_after: 2s }\n`, /\.degraded_after: must be below the timeout \(1000ms\)/],
    ["unknown DNS record type", `monitors:\n  - { slug: a, name: A, kind: dns, query: a.test, record: AXFR }\n`, /\.record: /],
    ["bad resolver", `monitors:\n  - { slug: a, name: A, kind: dns, query: a.test, resolver: "dns.google" }\n`, /\.resolver: resolver must be "ip" or "ip:port"/],
    ["registry pull without a pull section", `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull }\n`, /monitors\[0\] \(a\)\.pull: check: pull needs a pull: \{ repository, reference \} section/],
    ["registry pull without a repository", `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { reference: latest } }\n`, /\.pull\.repository: /],
    ["registry repository not OCI", `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: "User/Image", reference: latest } }\n`, /\.pull\.repository: repository must be an OCI repository name/],
    ["registry bad digest reference", `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: "sha256:xyz" } }\n`, /\.pull\.reference: reference must be a tag or a sha256/],
    ["registry bad platform", `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: latest, platform: amd64 } }\n`, /\.pull\.platform: platform must look like "linux\/amd64"/],
    ["ipfs bad CID", `monitors:\n  - { slug: a, name: A, kind: ipfs, gateway: "https://ipfs.test", cid: "not-a-cid" }\n`, /\.cid: not a valid CID/],
    ["skylink wrong length", `monitors:\n  - { slug: a, name: A, kind: skynet, url: "https://portal.test", skylink: "abc" }\n`, /\.skylink: skylink must be 46 base64url characters/],
    ["s3 bad bucket", `monitors:\n  - { slug: a, name: A, kind: s3, endpoint: "https://s3.test", bucket: "A_B", key: k, access_key_id: { env: K }, secret_access_key: { env: S } }\n`, /\.bucket: bucket must be a valid S3 bucket name/],
    ["env reference with a bad name", `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", headers: { Authorization: { env: "1BAD" } } }\n`, /\.headers\.Authorization/],
  ];

  for (const [name, text, pattern] of cases) {
    it(`refuses: ${name}`, () => {
      const lines = problems(text);
      expect(lines.some((l) => pattern.test(l)), `got:\n${lines.join("\n")}`).toBe(true);
      for (const l of lines) expect(l.startsWith("bad.yaml: ")).toBe(true);
    });
  }

  it("reports every problem at once, one line each", () => {
    const lines = problems(`monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 0 }\n  - { slug: b, name: "", kind: http, url: "x" }\n`);
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });

  it("a YAML alias bomb is refused, not expanded", () => {
    const bomb = ["a: &a [x,x,x,x,x,x,x,x,x,x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(",")}]`), "monitors: []"].join("\n");
    const lines = problems(bomb);
    expect(lines.join("\n")).toMatch(/alias|Excessive/i);
  });

  it("a file over the size limit is refused with its size", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, "huge.yaml");
    writeFileSync(file, "# " + "x".repeat(6 * 1024 * 1024));
    expect(() => loadConfigFile(file, {})).toThrow(/huge\.yaml: the file is 6\.0 MB; the limit is 5 MB/);
  });

  it("a missing file names the file", () => {
    expect(() => loadConfigFile("/nonexistent/monitors.yaml", {})).toThrow(/\/nonexistent\/monitors\.yaml: cannot read the file: ENOENT/);
  });

  it("a monitor whose credential variable is unset is disabled, not failed", () => {
    const text = `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", headers: { Authorization: { env: REG_TOKEN } } }\n`;
    expect(parseConfig(text, "c.yaml", {}).monitors[0].disabledReason).toBe("waiting for credentials: set REG_TOKEN");
    expect(parseConfig(text, "c.yaml", { REG_TOKEN: "x" }).monitors[0].disabledReason).toBeUndefined();
  });
});
