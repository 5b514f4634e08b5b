import type { Env } from "../core/env";
import { probeKindOf, type MonitorSpec } from "./kinds";

/**
 * The values a monitor takes from the environment, in the forms a target could echo them back
 * in (as is, URL-encoded, and as HTTP Basic credentials), for redaction from probe errors.
 */
export function secretForms(spec: MonitorSpec, env: Env = process.env): string[] {
  const kind = probeKindOf(spec);
  const values = (kind?.secrets(spec) ?? []).flatMap((v) => (typeof v !== "string" && env[v.env] ? [env[v.env]!] : []));
  const forms = new Set<string>();
  for (const v of values) {
    // Very short values would redact ordinary words; they are not credentials worth the name.
    if (v.length < 6) continue;
    forms.add(v);
    forms.add(encodeURIComponent(v));
    forms.add(Buffer.from(v).toString("base64"));
  }
  for (const f of kind?.secretForms?.(spec, env) ?? []) forms.add(f);
  // Longest first, so a value is not half-replaced through a shorter form inside it.
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Replaces every form of every secret in `text`. */
export function redactSecrets(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join("[redacted]");
  return out;
}
