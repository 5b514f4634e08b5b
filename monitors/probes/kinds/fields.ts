import { z } from "zod";
import { parseDurationMs } from "../../core/duration";

/** The field types a kind's schema is written in, and the fields every monitor has whatever its kind. */

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const MiB = 1024 * 1024;
export const SHA256_HEX = /^[a-fA-F0-9]{64}$/;

export const duration = (what: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = parseDurationMs(v);
    if (ms === null) {
      ctx.addIssue({
        code: "custom",
        message: `${what} must be a duration like "30s", "5m" or a number of seconds, got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    return ms;
  });

/**
 * The fields of kinds that download a body over HTTPS: how much of it is read (`max_bytes`, up to
 * `limit`), whether the certificate is checked, and from when a slow answer is degraded.
 */
export const downloadFields = (defaultBytes: number, limit: number) => ({
  max_bytes: z.number().int().min(1).max(limit).default(defaultBytes),
  tls_verify: z.boolean().default(true),
  degraded_after: duration("degraded_after").optional(),
});

/** Names of probe regions (`npm run agent -- --region eu-west`). */
export const REGION_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

export const confirm = z
  .object({ down: z.number().int().min(1).max(20).default(2), up: z.number().int().min(1).max(20).default(2) })
  .strict();

export const common = {
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
  regions: z
    .array(z.string().regex(REGION_NAME, "region names are lowercase letters, digits and dashes (1-32 chars)"))
    .min(1)
    .max(32)
    .optional(),
  /** Regions that must agree on down (or degraded); left out, a majority of those that reported. */
  quorum: z.number().int().min(1).max(32).optional(),
  /** Slugs of monitors this one needs (monitors/config/dependencies.ts checks they exist and form no cycle). */
  depends_on: z.array(z.string().regex(SLUG, "depends_on lists monitor slugs (lowercase letters, digits and dashes)")).max(32).optional(),
};

export const httpUrl = z.string().superRefine((s, ctx) => {
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
