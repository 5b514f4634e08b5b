import { z } from "zod";
import { probeRegistry } from "../registry/registry-probe";
import { common, duration, httpUrl, MiB } from "./fields";
import type { ProbeKind } from "./kind";
import { envOnlySecret, secretValue } from "./secret-value";

/** OCI Distribution Spec names: `user/image` (OpenRegistry), `library/alpine`, … */
const OCI_REPOSITORY = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const OCI_REFERENCE = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

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
        reference: z.string().regex(OCI_REFERENCE, "reference must be a tag or a sha256:… or sha512:… digest"),
        platform: z
          .string()
          .regex(/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/, 'platform must look like "linux/amd64" or "linux/arm64/v8"')
          .default("linux/amd64"),
        blob: z.enum(["none", "config", "smallest-layer"]).default("config"),
        max_blob_bytes: z
          .number()
          .int()
          .min(1)
          .max(64 * MiB)
          .default(4 * MiB),
        /** Also list the repository's tags (/tags/list?n=page_size), following Link rel="next" up to max_pages. */
        tags: z
          .object({
            page_size: z.number().int().min(1, "page_size must be at least 1").max(1000, "page_size must be at most 1000").default(100),
            max_pages: z.number().int().min(1, "max_pages must be at least 1").max(20, "max_pages must be at most 20").default(5),
          })
          .strict()
          .optional(),
        /** HEAD the blob at the registry before the GET (a redirect answers it: presigned storage URLs are for GET only). */
        head_blob: z.boolean().default(false),
        /** Also ask /referrers/<digest> (OCI 1.1; OpenRegistry implements it). required: a 404 is down instead of only named. */
        referrers: z
          .object({ required: z.boolean().default(false) })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    credentials: credentials.optional(),
    /**
     * The push canary: a small image pushed, read back and deleted on every check. Its account
     * comes from the environment only; until both variables are set the monitor waits for
     * credentials (disabled, and the page says so), like any monitor whose secret is unset.
     */
    push: z
      .object({
        repository: z.string().regex(OCI_REPOSITORY, "push.repository must be an OCI repository name such as user/push-canary"),
        tag: z.string().regex(OCI_TAG, "push.tag must be a tag (letters, digits, _ . -; at most 128)").default("push-canary"),
        username: envOnlySecret("push.username"),
        password: envOnlySecret("push.password"),
      })
      .strict()
      .optional(),
    tls_verify: z.boolean().default(true),
    max_redirects: z.number().int().min(0).max(10).default(5),
    step_degraded_after: duration("step_degraded_after").optional(),
    /**
     * false accepts a manifest whose bytes do not match Docker-Content-Digest (OpenRegistry
     * re-encodes manifests on GET): the check is degraded, not down. Clients still reject it.
     */
    verify_manifest_digest: z.boolean().default(true),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.verify_manifest_digest && m.check !== "pull" && !m.push) {
      ctx.addIssue({
        code: "custom",
        path: ["verify_manifest_digest"],
        message: "verify_manifest_digest applies only to check: pull or a push canary (the api check alone reads no manifest)",
      });
    }
  });
export type RegistryMonitorSpec = z.infer<typeof registryMonitor>;

export const registryKind: ProbeKind<"registry", typeof registryMonitor> = {
  kind: "registry",
  schema: registryMonitor,
  secrets: (spec) => [
    ...(spec.credentials ? [spec.credentials.username, spec.credentials.password] : []),
    ...(spec.push ? [spec.push.username, spec.push.password] : []),
  ],
  // The Basic headers the probe sends (to a token endpoint, or to a Basic registry): a proxy may echo one whole.
  secretForms: (spec, env) => {
    const forms: string[] = [];
    for (const c of [spec.credentials, spec.push]) {
      if (!c) continue;
      const user = typeof c.username === "string" ? c.username : env[c.username.env];
      const pass = typeof c.password === "string" ? c.password : env[c.password.env];
      if (user !== undefined && pass !== undefined) forms.push(Buffer.from(`${user}:${pass}`).toString("base64"));
    }
    return forms;
  },
  run: probeRegistry,
  target: (c) => String(c.url),
};
