import type { ProbeAssignment } from "./probe-loop";
import type { NumberedOutcome } from "./pending-results";

/** What the store thread is started with (worker_threads workerData). */
export interface StoreThreadData {
  configFile: string;
  region: string;
}

/** Probe thread -> store thread. */
export type ToStoreThread =
  | { type: "outcomes"; outcomes: NumberedOutcome[] }
  | { type: "reload" }
  /** The probe thread has stopped and handed over every outcome: drain, finish automation, exit. */
  | { type: "stop" };

/** Store thread -> probe thread. */
export type ToProbeThread =
  | { type: "assignments"; list: ProbeAssignment[]; leased: boolean }
  /** Parallel arrays rather than a Map: cheap to copy across every lease renewal. */
  | { type: "leases"; ids: number[]; validUntil: number[]; claimedAt?: number }
  | { type: "start-probes" }
  /** Started (or restarted) and ready for outcomes. */
  | { type: "ready" }
  /** Everything up to this seq is committed. */
  | { type: "ack"; seq: number }
  /** Could not start (bad config, a setting); the process exits with status 2 after printing these. */
  | { type: "fatal"; lines: string[] }
  | { type: "stopped" };
