/** Environment variables as plain strings (tests pass small objects; Next.js narrows NodeJS.ProcessEnv). */
export type Env = Record<string, string | undefined>;

import type { MonitorSpec, SecretValue } from "./schema";

/** Environment variables a monitor refers to that are not set. */
export function missingSecrets(spec: MonitorSpec, env: Env = process.env): string[] {
  const refs: SecretValue[] = [];
  if (spec.kind === "http") refs.push(...Object.values(spec.headers));
  if (spec.kind === "registry" && spec.credentials) refs.push(spec.credentials.username, spec.credentials.password);
  if (spec.kind === "s3") refs.push(spec.access_key_id, spec.secret_access_key);
  return refs.flatMap((v) => (typeof v !== "string" && !env[v.env] ? [v.env] : []));
}

/** Resolves a configured value at probe time, so secrets live only in the environment, never in the database. */
export function resolveSecret(value: SecretValue, env: Env = process.env): string {
  if (typeof value === "string") return value;
  const v = env[value.env];
  if (v === undefined) throw new Error(`environment variable ${value.env} is not set`);
  return v;
}
