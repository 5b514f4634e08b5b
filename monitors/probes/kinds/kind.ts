import type { z } from "zod";
import type { Env } from "../../core/env";
import type { HttpProbeOptions } from "../http";
import type { ProbeContext } from "../types";
import type { ProbeResult } from "../../core/probe-result";
import type { SecretValue } from "./secret-value";

/**
 * Everything the service knows about one probe kind, in one module: its config schema, the
 * secrets it reads, how it runs, and how the page names what it checks. kinds/index.ts lists them.
 */
export interface ProbeKind<Name extends string = string, Schema extends z.ZodObject = z.ZodObject> {
  /** The `kind:` value in the config file. */
  kind: Name;
  /** The monitor's config schema: the common fields, `kind: <Name>` and this kind's own fields. */
  schema: Schema;
  /** The values the monitor takes as secrets, written in the file or named by { env: NAME }. */
  secrets(spec: z.infer<Schema>): SecretValue[];
  /** Environment variables the monitor needs that are not secrets (shown, never redacted); unset, it waits for configuration. */
  settingsFromEnv?(spec: z.infer<Schema>): string[];
  /** Further forms a target could echo the secrets back in (such as a Basic header), for redaction. */
  secretForms?(spec: z.infer<Schema>, env: Env): string[];
  run(spec: z.infer<Schema>, ctx: ProbeContext, opts: HttpProbeOptions): Promise<ProbeResult>;
  /** What the monitor checks, in one line, from the spec as stored (older rows may lack a field). */
  target(config: Record<string, unknown>): string;
}
