import { z } from "zod";
import type { Env } from "../../core/env";

/** { env: NAME }: the value is read from that environment variable. */
export const envReference = z
  .object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "env must name an environment variable") })
  .strict();

/** A value written in the file, or the name of an environment variable that holds it (for secrets). */
export const secretValue = z.union([z.string(), envReference]);
export type SecretValue = z.infer<typeof secretValue>;

/** A secret that may only come from the environment ({ env: NAME }), so it never sits in the file. */
export const envOnlySecret = (what: string) =>
  z
    .object(
      { env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "env must name an environment variable") },
      { error: `${what} must be { env: NAME }: the key comes from the environment, never from the file` },
    )
    .strict();

/** Resolves a configured value at probe time, so secrets live only in the environment, never in the database. */
export function resolveSecret(value: SecretValue, env: Env = process.env): string {
  if (typeof value === "string") return value;
  const v = env[value.env];
  if (v === undefined) throw new Error(`environment variable ${value.env} is not set`);
  return v;
}
