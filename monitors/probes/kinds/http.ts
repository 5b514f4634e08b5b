import { z } from "zod";
import { probeHttp } from "../http";
import { common, duration, httpUrl, MiB } from "./fields";
import type { ProbeKind } from "./kind";
import { catastrophicRegexProblem } from "./regex-safety";
import { secretValue } from "./secret-value";

const regexSource = z
  .string()
  .max(1000, "at most 1000 characters")
  .superRefine((src, ctx) => {
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
    max_body_bytes: z
      .number()
      .int()
      .min(0)
      .max(10 * MiB)
      .default(64 * 1024),
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
export type HttpMonitorSpec = z.infer<typeof httpMonitor>;

export const httpKind: ProbeKind<"http", typeof httpMonitor> = {
  kind: "http",
  schema: httpMonitor,
  secrets: (spec) => Object.values(spec.headers),
  run: probeHttp,
  target: (c) => String(c.url),
};
