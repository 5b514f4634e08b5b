import type { Env } from "../core/env";
import type { ErrorClass, Phases, ProbeResult } from "../core/probe-result";

export interface ProbeContext {
  /** Aborts when the check's timeout passes or the agent shuts down. */
  signal: AbortSignal;
  timeoutMs: number;
  env: Env;
  /** Sent as User-Agent by the HTTP-based probes (probeUserAgent). */
  userAgent: string;
}

export function failure(errorClass: ErrorClass, error: string, phases: Phases, details: Record<string, unknown> = {}): ProbeResult {
  return { status: "down", errorClass, error, phases, details };
}
