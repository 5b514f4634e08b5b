/** Environment variables as plain strings (tests pass small objects; Next.js narrows NodeJS.ProcessEnv). */
export type Env = Record<string, string | undefined>;

import type { MonitorSpec, SecretValue } from "./schema";

function secretRefs(spec: MonitorSpec): SecretValue[] {
  const refs: SecretValue[] = [];
  if (spec.kind === "http") refs.push(...Object.values(spec.headers));
  if (spec.kind === "registry" && spec.credentials) refs.push(spec.credentials.username, spec.credentials.password);
  if (spec.kind === "s3") refs.push(spec.access_key_id, spec.secret_access_key);
  return refs;
}

/** Environment variables a monitor refers to that are not set. */
export function missingSecrets(spec: MonitorSpec, env: Env = process.env): string[] {
  return secretRefs(spec).flatMap((v) => (typeof v !== "string" && !env[v.env] ? [v.env] : []));
}

/**
 * The values a monitor takes from the environment, in the forms a target could echo them back
 * in (as is, URL-encoded, and as HTTP Basic credentials), for redaction from probe errors.
 */
export function secretForms(spec: MonitorSpec, env: Env = process.env): string[] {
  const values = secretRefs(spec).flatMap((v) => (typeof v !== "string" && env[v.env] ? [env[v.env]!] : []));
  const forms = new Set<string>();
  for (const v of values) {
    // Very short values would redact ordinary words; they are not credentials worth the name.
    if (v.length < 6) continue;
    forms.add(v);
    forms.add(encodeURIComponent(v));
    forms.add(Buffer.from(v).toString("base64"));
  }
  if (spec.kind === "registry" && spec.credentials) {
    const user = typeof spec.credentials.username === "string" ? spec.credentials.username : env[spec.credentials.username.env];
    const pass = typeof spec.credentials.password === "string" ? spec.credentials.password : env[spec.credentials.password.env];
    if (user !== undefined && pass !== undefined) forms.add(Buffer.from(`${user}:${pass}`).toString("base64"));
  }
  // Longest first, so a value is not half-replaced through a shorter form inside it.
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Replaces every form of every secret in `text`. */
export function redactSecrets(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join("[redacted]");
  return out;
}

/** Resolves a configured value at probe time, so secrets live only in the environment, never in the database. */
export function resolveSecret(value: SecretValue, env: Env = process.env): string {
  if (typeof value === "string") return value;
  const v = env[value.env];
  if (v === undefined) throw new Error(`environment variable ${value.env} is not set`);
  return v;
}
