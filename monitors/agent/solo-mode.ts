import type { SyncedMonitor } from "../store/config-sync";
import { loadLiveStates } from "../store/live-states";
import { resultWriter, type LiveState, type ResultWriter } from "../store/result-writer";
import type { HousekeepingJob } from "../schedule/housekeeping";
import type { ProbeControl } from "./probe-loop";
import type { AgentMode, AgentModeContext } from "./agent-mode";

/** How long the agent's writes wait synchronously for another process's write lock once it is checking. */
export const AGENT_BUSY_TIMEOUT_MS = 10;

/** The only agent (SQLite): it probes every enabled monitor and writes slot results itself. */
export class SoloMode implements AgentMode {
  readonly writer: ResultWriter;
  readonly jobs: HousekeepingJob[];
  readonly description = "";
  private readonly states = new Map<number, LiveState>();
  private enabledCount = 0;

  constructor(private readonly ctx: AgentModeContext) {
    this.writer = resultWriter(ctx.db, this.states, {
      isUnderMaintenance: (id, slot) => ctx.calendar.isUnderMaintenance(id, slot),
      onCommitted: ctx.onCommitted,
      onWritten: ctx.onWritten,
      log: ctx.log,
    });
    // In a region the lease renewal writes the heartbeat; alone, housekeeping does.
    this.jobs = [{ name: "heartbeat", schedule: "*/15 * * * * *", run: ctx.heartbeat }];
  }

  get probedCount(): number {
    return this.enabledCount;
  }

  async apply(enabled: SyncedMonitor[], probes: ProbeControl): Promise<void> {
    // Updated in place (the writer holds this map): monitors that stay keep their states.
    await loadLiveStates(this.ctx.db, enabled, this.states);
    this.enabledCount = enabled.length;
    // Heartbeat monitors are pinged, not probed: their slots are judged on this thread (heartbeat/).
    probes.setAssignments(
      enabled.filter((m) => m.def.kind !== "heartbeat").map((m) => ({ id: m.id, def: m.def })),
      false,
    );
  }

  async start(): Promise<void> {
    // better-sqlite3 waits for a competing writer synchronously, freezing this thread for the whole
    // busy timeout. In the agent process the probes run on another thread, but tests run them on
    // this one; and the agent's writes all retry on their own (results with backoff, automation
    // and the outbox on their next pass), so it barely waits and lets them.
    await this.ctx.db.$queryRawUnsafe(`PRAGMA busy_timeout = ${AGENT_BUSY_TIMEOUT_MS}`);
  }

  async stopTakingWork(): Promise<void> {}

  async handOver(): Promise<void> {}
}
