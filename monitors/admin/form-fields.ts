import { z } from "zod";

/** zod pieces shared by the admin forms, with messages a maintainer can act on. */
export const id = z.coerce.number({ error: "missing id" }).int().positive("missing id");

export const markdownBody = (max = 20_000) =>
  z.string({ error: "write something" }).trim().min(1, "write something").max(max, `at most ${max} characters`);

export const title = z.string({ error: "a title is needed" }).trim().min(1, "a title is needed").max(200, "at most 200 characters");

/** An instant sent by the browser as ISO 8601 (the form converts the maintainer's local time). */
export const instant = z
  .string({ error: "pick a date and time" })
  .min(1, "pick a date and time")
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), "not a date and time")
  .transform((s) => new Date(s));

/** An instant, or nothing (absent, null or ""), for fields like "backdate" or "series end". */
export const optionalInstant = z
  .union([z.string(), z.null()], { error: "pick a date and time" })
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) || Number.isNaN(Date.parse(v))) {
      ctx.addIssue({ code: "custom", message: "not a date and time" });
      return z.NEVER;
    }
    return new Date(v);
  });

export const slugList = z
  .array(z.string().regex(/^[a-z0-9-]{1,64}$/, "unknown monitor"))
  .max(500)
  .default([]);

/** Turns zod issues into one message per top-level field, the first one winning. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "form";
    if (!out[key]) out[key] = issue.message;
  }
  return out;
}
