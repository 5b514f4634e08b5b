import { z } from "zod";
import { CID } from "multiformats/cid";
import { parseDurationMs } from "./duration";
import { catastrophicRegexProblem } from "./regex-safety";

/** Bounds that keep the scheduler sane. Below 10 s is meant for tests and demos; above a day is not monitoring. */
export const MIN_INTERVAL_MS = 1_000;
export const MAX_INTERVAL_MS = 86_400_000;

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

const duration = (what: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = parseDurationMs(v);
    if (ms === null) {
      ctx.addIssue({ code: "custom", message: `${what} must be a duration like "30s", "5m" or a number of seconds, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return ms;
  });

/** A value written in the file, or the name of an environment variable that holds it (for secrets). */
export const secretValue = z.union([
  z.string(),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "env must name an environment variable") }).strict(),
]);
export type SecretValue = z.infer<typeof secretValue>;

const regexSource = z.string().max(1000, "at most 1000 characters").superRefine((src, ctx) => {
  try {
    new RegExp(src);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(e as Error).message}` });
    return;
  }
  const danger = catastrophicRegexProblem(src);
  if (danger) ctx.addIssue({ code: "custom", message: danger });
});

/** Accepted HTTP statuses: 200, "200-299" or "2xx". */
const statusSpec = z.union([
  z.number().int().min(100).max(599),
  z.string().regex(/^([1-5]xx|\d{3}-\d{3}|\d{3})$/, 'status must look like 200, "200-299" or "2xx"'),
]);

const jsonAssertion = z
  .object({
    path: z.string().regex(/^\$(\.[A-Za-z_$][\w$-]*|\[\d+\]|\["[^"]+"\])*$/, 'path must look like $.a.b[0] or $["key"]'),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    matches: regexSource.optional(),
    exists: z.boolean().optional(),
  })
  .strict()
  .refine((a) => a.equals !== undefined || a.matches !== undefined || a.exists !== undefined, {
    message: "a json assertion needs equals, matches or exists",
  });

const headerAssertion = z
  .object({
    name: z.string().min(1),
    equals: z.string().optional(),
    contains: z.string().optional(),
    matches: regexSource.optional(),
    absent: z.boolean().optional(),
  })
  .strict();

/** Names of probe regions (`npm run agent -- --region eu-west`). */
export const REGION_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

const confirm = z
  .object({ down: z.number().int().min(1).max(20).default(2), up: z.number().int().min(1).max(20).default(2) })
  .strict();

const common = {
  slug: z.string().regex(SLUG, "slug must be lowercase letters, digits and dashes (1-64 chars)"),
  name: z.string().min(1).max(120),
  group: z.string().max(80).default("Other"),
  description: z.string().max(500).optional(),
  public: z.boolean().default(true),
  /** Show the target URL/host and error texts on the public page. Off by default: internal hostnames must not leak. */
  show_target: z.boolean().default(false),
  interval: duration("interval").optional(),
  timeout: duration("timeout").optional(),
  confirm: confirm.optional(),
  slo: z.number().gt(0).lt(100).optional(),
  /** Regions whose agents probe this monitor; left out, every region that reports does. */
  regions: z.array(z.string().regex(REGION_NAME, "region names are lowercase letters, digits and dashes (1-32 chars)")).min(1).max(32).optional(),
  /** Regions that must agree on down (or degraded); left out, a majority of those that reported. */
  quorum: z.number().int().min(1).max(32).optional(),
};

const httpUrl = z.string().superRefine((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: "custom", message: `not a valid URL: ${JSON.stringify(s)}` });
    return;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: `URL must be http: or https:, got ${u.protocol}` });
  }
});

export const httpMonitor = z
  .object({
    ...common,
    kind: z.literal("http"),
    url: httpUrl,
    method: z.enum(["GET", "HEAD", "POST", "PUT", "OPTIONS"]).default("GET"),
    headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "invalid header name"), secretValue).default({}),
    body: z.string().max(65536).optional(),
    follow_redirects: z.boolean().default(true),
    max_redirects: z.number().int().min(0).max(20).default(5),
    max_body_bytes: z.number().int().min(0).max(10 * 1024 * 1024).default(64 * 1024),
    tls_verify: z.boolean().default(true),
    degraded_after: duration("degraded_after").optional(),
    cert_expiry_days: z.number().int().min(1).max(365).optional(),
    expect: z
      .object({
        status: z.array(statusSpec).min(1).default(["2xx"]),
        /** Statuses that mean "working, but not well" (for example a health endpoint's 503). */
        degraded_status: z.array(statusSpec).optional(),
        body_contains: z.string().min(1).optional(),
        body_not_contains: z.string().min(1).optional(),
        body_regex: regexSource.optional(),
        json: z.array(jsonAssertion).optional(),
        headers: z.array(headerAssertion).optional(),
      })
      .strict()
      .default({ status: ["2xx"] }),
  })
  .strict();

export const tcpMonitor = z
  .object({
    ...common,
    kind: z.literal("tcp"),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    degraded_after: duration("degraded_after").optional(),
  })
  .strict();

export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA", "PTR"] as const;

export const dnsMonitor = z
  .object({
    ...common,
    kind: z.literal("dns"),
    name: z.string().min(1),
    /** The hostname to resolve. `name` is the display name, so this is `query`. */
    query: z.string().min(1).max(253),
    record: z.enum(DNS_RECORD_TYPES).default("A"),
    /** "ip" or "ip:port"; default: the system resolvers. */
    resolver: z
      .string()
      .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$|^[0-9a-fA-F:]+$/, 'resolver must be "ip" or "ip:port"')
      .optional(),
    expect: z
      .object({
        /** Every one of these values must be among the answers. */
        includes: z.array(z.string()).optional(),
        /** The answers must be exactly this set. */
        equals: z.array(z.string()).optional(),
        min_answers: z.number().int().min(0).default(1),
      })
      .strict()
      .default({ min_answers: 1 }),
    degraded_after: duration("degraded_after").optional(),
  })
  .strict();

/** OCI Distribution Spec names: `user/image` (OpenRegistry), `library/alpine`, … */
const OCI_REPOSITORY = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const OCI_REFERENCE = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$/;
const SHA256_HEX = /^[a-fA-F0-9]{64}$/;
const MiB = 1024 * 1024;

const credentials = z.object({ username: secretValue, password: secretValue }).strict();

export const registryMonitor = z
  .object({
    ...common,
    kind: z.literal("registry"),
    /** The registry's base URL; the probe adds /v2/…. */
    url: httpUrl,
    check: z.enum(["api", "pull"]).default("api"),
    pull: z
      .object({
        repository: z.string().regex(OCI_REPOSITORY, "repository must be an OCI repository name such as user/image"),
        reference: z.string().regex(OCI_REFERENCE, "reference must be a tag or a sha256:… digest"),
        platform: z.string().regex(/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/, 'platform must look like "linux/amd64" or "linux/arm64/v8"').default("linux/amd64"),
        blob: z.enum(["none", "config", "smallest-layer"]).default("config"),
        max_blob_bytes: z.number().int().min(1).max(64 * MiB).default(4 * MiB),
      })
      .strict()
      .optional(),
    credentials: credentials.optional(),
    tls_verify: z.boolean().default(true),
    max_redirects: z.number().int().min(0).max(10).default(5),
    step_degraded_after: duration("step_degraded_after").optional(),
  })
  .strict();

export const skynetMonitor = z
  .object({
    ...common,
    kind: z.literal("skynet"),
    url: httpUrl,
    skylink: z.string().regex(/^[A-Za-z0-9_-]{46}$/, "skylink must be 46 base64url characters").optional(),
    expect_size: z.number().int().min(0).optional(),
    expect_sha256: z.string().regex(SHA256_HEX, "expect_sha256 must be 64 hex characters").optional(),
    /** Writes a 64-byte file to the portal on every check: off unless asked for. */
    upload: z.boolean().default(false),
    max_bytes: z.number().int().min(1).max(64 * MiB).default(4 * MiB),
    tls_verify: z.boolean().default(true),
    degraded_after: duration("degraded_after").optional(),
  })
  .strict();

const cidString = z.string().superRefine((s, ctx) => {
  try {
    CID.parse(s);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `not a valid CID: ${(e as Error).message.slice(0, 80)}` });
  }
});

export const ipfsMonitor = z
  .object({
    ...common,
    kind: z.literal("ipfs"),
    gateway: httpUrl,
    /** Default: the empty identity CID, the standard gateway liveness check. */
    cid: cidString.default("bafkqaaa"),
    max_bytes: z.number().int().min(1).max(16 * MiB).default(MiB),
    tls_verify: z.boolean().default(true),
    degraded_after: duration("degraded_after").optional(),
  })
  .strict();

export const s3Monitor = z
  .object({
    ...common,
    kind: z.literal("s3"),
    endpoint: httpUrl,
    region: z.string().regex(/^[a-z0-9-]{1,32}$/).default("us-east-1"),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "bucket must be a valid S3 bucket name"),
    key: z.string().min(1).max(1024),
    access_key_id: secretValue,
    secret_access_key: secretValue,
    path_style: z.boolean().default(true),
    /** Also GET the object (keep it small) and check expect_sha256. */
    get: z.boolean().default(false),
    expect_sha256: z.string().regex(SHA256_HEX, "expect_sha256 must be 64 hex characters").optional(),
    /** Filebase stores the object's IPFS CID in x-amz-meta-cid: pin it here. */
    expect_cid: z.string().optional(),
    max_bytes: z.number().int().min(1).max(16 * MiB).default(MiB),
    tls_verify: z.boolean().default(true),
    degraded_after: duration("degraded_after").optional(),
  })
  .strict();

export const MONITOR_KINDS = ["http", "tcp", "dns", "registry", "skynet", "ipfs", "s3"] as const;

export const monitorSchema = z.discriminatedUnion("kind", [httpMonitor, tcpMonitor, dnsMonitor, registryMonitor, skynetMonitor, ipfsMonitor, s3Monitor], {
  error: (issue) => {
    if (issue.code !== "invalid_union") return undefined;
    const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
    return kind === undefined ? `kind is missing; it must be one of ${MONITOR_KINDS.join(", ")}` : `kind must be one of ${MONITOR_KINDS.join(", ")}, got ${JSON.stringify(kind)}`;
  },
});

export const configSchema = z
  .object({
    version: z.literal(1).default(1),
    defaults: z
      .object({
        interval: duration("interval").default(60_000),
        timeout: duration("timeout").default(10_000),
        confirm: confirm.default({ down: 2, up: 2 }),
      })
      .strict()
      .default({ interval: 60_000, timeout: 10_000, confirm: { down: 2, up: 2 } }),
    /**
     * Display order of component groups; groups not listed follow in order of appearance.
     * A group may carry an objective: { name: Registry, slo: 98 }.
     */
    groups: z.array(z.union([z.string().min(1), z.object({ name: z.string().min(1), slo: z.number().gt(0).lt(100).optional() }).strict()])).default([]),
    /** How confirmed outages become incidents, and how long an unacknowledged one may stay quiet. */
    incidents: z
      .object({
        /** Monitors that fail within this long of an open automatic incident's start join it. */
        group_window: duration("group_window").pipe(z.number().min(0).max(86_400_000)).default(300_000),
        /** resolve: close when every monitor is back; monitoring: move to monitoring and wait for a person. */
        on_recovery: z.enum(["resolve", "monitoring"]).default("resolve"),
        /** Re-notify on-call channels this often until acknowledged or resolved; 0 turns reminders off. */
        remind_every: duration("remind_every").pipe(z.number().refine((v) => v === 0 || v >= 60_000, "remind_every must be 0 (off) or at least 1m")).default(1_800_000),
      })
      .strict()
      .default({ group_window: 300_000, on_recovery: "resolve", remind_every: 1_800_000 }),
    monitors: z.array(monitorSchema).max(20_000),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type MonitorSpec = z.infer<typeof monitorSchema>;
export type HttpMonitorSpec = z.infer<typeof httpMonitor>;
export type TcpMonitorSpec = z.infer<typeof tcpMonitor>;
export type DnsMonitorSpec = z.infer<typeof dnsMonitor>;
export type RegistryMonitorSpec = z.infer<typeof registryMonitor>;
export type SkynetMonitorSpec = z.infer<typeof skynetMonitor>;
export type IpfsMonitorSpec = z.infer<typeof ipfsMonitor>;
export type S3MonitorSpec = z.infer<typeof s3Monitor>;
