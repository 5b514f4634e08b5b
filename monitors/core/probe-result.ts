import type { Observed } from "./status";

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
  /** Nothing was timed (a heartbeat slot without a run's start): no total time is stored or charted. */
  untimed?: boolean;
}
