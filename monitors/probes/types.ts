import type { Env } from "../config/secrets";
import type { Observed } from "../state/hysteresis";

/** Why a check failed; shared by every probe kind so pages and alerts can group failures. */
export type ErrorClass =
  | "dns"
  | "connect"
  | "tls"
  | "timeout"
  | "http_status"
  | "protocol"
  | "auth"
  | "integrity"
  | "assertion"
  | "config"
  | "internal";

/** Milliseconds per phase of the request that produced the result. */
export interface Phases {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  firstByteMs?: number;
  totalMs: number;
}

export interface ProbeResult {
  status: Observed;
  phases: Phases;
  errorClass?: ErrorClass;
  error?: string;
  /** Protocol facts worth keeping (HTTP status, answers, certificate…); small and JSON-safe. */
  details: Record<string, unknown>;
  certExpiresAt?: Date;
}

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
