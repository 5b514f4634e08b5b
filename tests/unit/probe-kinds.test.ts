import { describe, expect, it } from "vitest";
import { parseConfig } from "@/monitors/config/load";
import { missingSecrets } from "@/monitors/config/secrets";
import { MONITOR_KINDS, PROBE_KINDS, probeKindOf } from "@/monitors/probes/kinds";
import { secretForms } from "@/monitors/probes/secret-forms";

// One monitor of every kind, with a secret where the kind reads one.
const yaml = `monitors:
  - { slug: web, name: Web, kind: http, url: "https://example.test/health", headers: { Authorization: { env: WEB_TOKEN } } }
  - { slug: port, name: Port, kind: tcp, host: example.test, port: 443 }
  - { slug: names, name: Names, kind: dns, query: example.test, record: AAAA }
  - { slug: reg, name: Registry, kind: registry, url: "https://registry.test", credentials: { username: canary, password: { env: REG_PASSWORD } }, push: { repository: a/push, username: { env: PUSH_USER }, password: { env: PUSH_PASSWORD } } }
  - { slug: portal, name: Portal, kind: skynet, url: "https://portal.test", api_key: { env: SKYNET_KEY } }
  - { slug: gw, name: Gateway, kind: ipfs, gateway: "https://gw.test" }
  - { slug: bucket, name: Bucket, kind: s3, endpoint: "https://s3.test", bucket: canary-bucket, key: a/b.txt, access_key_id: AKIDEXAMPLE, secret_access_key: { env: S3_SECRET } }
  - { slug: domain, name: Domain, kind: domain, domain: example.test }
  - { slug: job, name: Job, kind: heartbeat, cron: "0 3 * * *", tz: Europe/Berlin, grace: 15m, token: { env: JOB_PING_TOKEN } }
`;

describe("probe kinds registry (monitors/probes/kinds)", () => {
  const monitors = parseConfig(yaml, "kinds.yaml", {}).monitors;

  it("lists every kind once, and the config accepts exactly those", () => {
    expect([...MONITOR_KINDS]).toEqual(["http", "tcp", "dns", "registry", "skynet", "ipfs", "s3", "domain", "heartbeat"]);
    expect(new Set(PROBE_KINDS.map((k) => k.schema)).size).toBe(PROBE_KINDS.length);
    expect(monitors.map((m) => m.kind)).toEqual([...MONITOR_KINDS]);
    expect(probeKindOf({ kind: "gopher" })).toBeUndefined();
    expect(probeKindOf(null)).toBeUndefined();
  });

  it("each kind names the environment variables it reads; unset ones disable the monitor", () => {
    expect(monitors.map((m) => [m.slug, missingSecrets(m.spec, {})])).toEqual([
      ["web", ["WEB_TOKEN"]],
      ["port", []],
      ["names", []],
      ["reg", ["REG_PASSWORD", "PUSH_USER", "PUSH_PASSWORD"]],
      ["portal", ["SKYNET_KEY"]],
      ["gw", []],
      ["bucket", ["S3_SECRET"]],
      ["domain", []],
      ["job", ["JOB_PING_TOKEN"]],
    ]);
    expect(monitors.filter((m) => m.disabledReason).map((m) => m.slug)).toEqual(["web", "reg", "portal", "bucket", "job"]);
  });

  it("the registry kind adds its Basic headers to the forms redacted from results; and those of the push account", () => {
    const reg = monitors.find((m) => m.slug === "reg")!;
    const forms = secretForms(reg.spec, { REG_PASSWORD: "hunter2-long", PUSH_USER: "pusher", PUSH_PASSWORD: "push-secret-9" });
    expect(forms).toContain("hunter2-long");
    expect(forms).toContain(Buffer.from("canary:hunter2-long").toString("base64"));
    expect(forms).toContain("push-secret-9");
    expect(forms).toContain(Buffer.from("pusher:push-secret-9").toString("base64"));
  });

  it("a CID from the environment is a setting, not a secret: the target names the variable", () => {
    const [def] = parseConfig(
      `monitors:\n  - { slug: layer, name: Layer, kind: ipfs, gateway: "https://gw.test", cid: { env: LAYER_CID } }\n`,
      "kinds.yaml",
      {},
    ).monitors;
    expect(def.disabledReason).toBe("waiting for configuration: set LAYER_CID");
    expect(missingSecrets(def.spec, {})).toEqual([]);
    expect(secretForms(def.spec, { LAYER_CID: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku" })).toEqual([]);
    const stored = JSON.parse(JSON.stringify(def.spec)) as Record<string, unknown>;
    expect(probeKindOf(stored)!.target(stored)).toBe("https://gw.test/ipfs/<CID from LAYER_CID>");
  });

  it("each kind describes its target in one line, from the spec as stored (JSON)", () => {
    const stored = monitors.map((m) => JSON.parse(JSON.stringify(m.spec)) as Record<string, unknown>);
    expect(stored.map((s) => probeKindOf(s)!.target(s))).toEqual([
      "https://example.test/health",
      "example.test:443",
      "example.test (AAAA)",
      "https://registry.test",
      "https://portal.test",
      "https://gw.test/ipfs/bafkqaaa",
      "https://s3.test/canary-bucket/a/b.txt",
      "example.test (RDAP)",
      'pings expected cron "0 3 * * *" (Europe/Berlin), grace 15m',
    ]);
  });
});
