import type { Db } from "../store/client";
import type { SyncedMonitor } from "../store/config-sync";
import type { BatchQueue } from "../store/batch-queue";
import type { CheckOutcome, CommittedTransition } from "../evaluate/batch-plan";
import type { HousekeepingJob } from "../schedule/housekeeping";
import type { MaintenanceCalendar } from "../maintenance/maintenance-calendar";
import type { ProbeControl } from "./probe-loop";

/** What a mode needs from the agent it runs in. */
export interface AgentModeContext {
  db: Db;
  agentId: string;
  region: string;
  calendar: MaintenanceCalendar;
  log: (line: string) => void;
  /** Writes the agent's heartbeat row. */
  heartbeat: () => Promise<void>;
  /** State changes committed (by the writer or a slot decision). */
  onCommitted: (transitions: CommittedTransition[]) => void;
  /** A batch of outcomes is stored: the probe thread may forget it. */
  onWritten?: (batch: CheckOutcome[]) => void;
}

/**
 * How an agent shares the work: alone on SQLite (SoloMode: every monitor, slot results written
 * directly) or in a region on PostgreSQL (RegionalMode: leased monitors, region checks, slots decided
 * by quorum). The agent itself (config, automation, outbox, housekeeping) is the same in both.
 */
export interface AgentMode {
  /** Where the checks' outcomes are written. */
  readonly writer: BatchQueue<CheckOutcome>;
  /** Monitors this agent probes now (for its heartbeat). */
  readonly probedCount: number;
  /** Said in the agent's "started" line. */
  readonly description: string;
  /** The housekeeping jobs this mode adds. */
  readonly jobs: HousekeepingJob[];
  /** Hands the enabled monitors to the probes as this mode assigns them. */
  apply(enabled: SyncedMonitor[], probes: ProbeControl): Promise<void>;
  /** Starts what runs beside the checks, once the probes run. */
  start(probes: ProbeControl): Promise<void>;
  /** Before the probes stop: no more work is taken on. */
  stopTakingWork(): Promise<void>;
  /** After the writer drained: hand the remaining work to others. */
  handOver(): Promise<void>;
}
