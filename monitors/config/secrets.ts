import type { Env } from "../core/env";
import { probeKindOf } from "../probes/kinds";
import type { MonitorSpec } from "./schema";

export type { Env };

/** Environment variables a monitor refers to that are not set. */
export function missingSecrets(spec: MonitorSpec, env: Env = process.env): string[] {
  return (probeKindOf(spec)?.secrets(spec) ?? []).flatMap((v) => (typeof v !== "string" && !env[v.env] ? [v.env] : []));
}

/** Environment variables a monitor needs for settings that are not secrets (an IPFS CID…) and that are not set. */
export function missingSettings(spec: MonitorSpec, env: Env = process.env): string[] {
  return (probeKindOf(spec)?.settingsFromEnv?.(spec) ?? []).filter((name) => !env[name]);
}
