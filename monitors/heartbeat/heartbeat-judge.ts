import type { ProbeResult } from "../core/probe-result";
import type { HeartbeatSchedule } from "./heartbeat-schedule";

export type PingKind = "success" | "start" | "fail";

/** A ping as stored: stamped by the web node that took it. */
export interface Ping {
  id: number;
  at: number;
  kind: PingKind;
  exitCode: number | null;
  body: string | null;
  bodyTruncated: boolean;
}

/** One judged slot of a heartbeat monitor, for the ordinary result path. */
export interface JudgedSlot {
  slot: number;
  /** The judging clock minus the moment the slot could first be judged (its ping, or its deadline). */
  latenessMs: number;
  result: ProbeResult;
}

export interface JudgeSettings {
  schedule: HeartbeatSchedule;
  graceMs: number;
  maxRuntimeMs?: number;
  /**
   * How long past a deadline the agent waits before it judges a due time missed: a ping stamped
   * just before the deadline by a web node whose clock is a little behind still counts.
   */
  settleMs: number;
}

/** The longest message kept in a result's details (the whole body stays with the ping). */
const MESSAGE_IN_RESULT = 500;
/** Missed due times judged in one call; a long silence is worked off over several passes. */
const MAX_MISSED_PER_CALL = 1_000;

/**
 * Turns one heartbeat monitor's pings and the passing of time into slot results. Pure (the clock
 * is an argument), so the same pings replayed after a restart give the same slots, and the writer
 * skips the ones it already stored.
 *
 * - Before the first success or fail ping nothing is judged: no data, never up.
 * - A success ping is an up slot at its time; with a start before it, the run's duration is the
 *   slot's total time. A fail ping, or an exit code other than 0, is a down slot at its time.
 * - Either sets the next due time (heartbeat-schedule.ts). A due time with no ping by due + grace is
 *   a down slot at the due time, and so is every following due time until a ping comes.
 * - A run started (/start) and not finished within max_runtime is one degraded slot, at start + max_runtime.
 *
 * Slots strictly increase: a ping stored late (after a later slot was judged) is placed 1 ms after it.
 */
export class HeartbeatJudge {
  private nextDue: number | null = null;
  private startedAt: number | null = null;
  private overrunJudged = false;
  private lastSlot = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: JudgeSettings) {}

  /** The next due time, or null before the first ping. */
  get due(): number | null {
    return this.nextDue;
  }

  /** A ping, in stamp order: due times missed before it are judged first. */
  ping(p: Ping, now: number): JudgedSlot[] {
    const out = this.judgeUntil(p.at, now, 0);
    if (p.kind === "start") {
      this.startedAt = p.at;
      this.overrunJudged = false;
      return out;
    }
    const runMs = this.startedAt !== null && this.startedAt <= p.at ? p.at - this.startedAt : null;
    this.startedAt = null;
    this.nextDue = this.settings.schedule.dueAfterPing(p.at);
    const message = p.body ? p.body.slice(0, MESSAGE_IN_RESULT) : undefined;
    const details: Record<string, unknown> = {
      heartbeat: {
        ping: p.kind,
        ...(p.exitCode !== null ? { exitCode: p.exitCode } : {}),
        ...(runMs !== null ? { runMs } : {}),
        ...(message !== undefined ? { message, messageCut: p.bodyTruncated || p.body!.length > MESSAGE_IN_RESULT } : {}),
        nextDue: new Date(this.nextDue).toISOString(),
      },
    };
    const failed = p.kind === "fail";
    const result: ProbeResult = failed
      ? {
          status: "down",
          phases: { totalMs: runMs ?? 0 },
          errorClass: "assertion",
          error: p.exitCode !== null ? `the job reported exit code ${p.exitCode}` : "the job reported a failure (/fail)",
          details,
        }
      : { status: "up", phases: { totalMs: runMs ?? 0 }, ...(runMs === null ? { untimed: true } : {}), details };
    out.push(this.slot(p.at, now - p.at, result));
    return out;
  }

  /** Due times and runs whose deadline passed by `now` (the agent's clock, less the settling time). */
  tick(now: number): JudgedSlot[] {
    return this.judgeUntil(now, now, this.settings.settleMs);
  }

  /** Judges every deadline before `until - settle`: missed due times and overrunning runs, in time order. */
  private judgeUntil(until: number, now: number, settleMs: number): JudgedSlot[] {
    const out: JudgedSlot[] = [];
    const { graceMs, maxRuntimeMs, schedule } = this.settings;
    const horizon = until - settleMs;
    for (let n = 0; n < MAX_MISSED_PER_CALL; n++) {
      const missedAt = this.nextDue !== null && this.nextDue + graceMs < horizon ? this.nextDue : null;
      const overrunAt =
        maxRuntimeMs !== undefined && this.startedAt !== null && !this.overrunJudged && this.startedAt + maxRuntimeMs < horizon
          ? this.startedAt + maxRuntimeMs
          : null;
      if (missedAt === null && overrunAt === null) break;
      if (overrunAt !== null && (missedAt === null || overrunAt <= missedAt)) {
        this.overrunJudged = true;
        out.push(
          this.slot(overrunAt, now - overrunAt, {
            status: "degraded",
            phases: { totalMs: 0 },
            untimed: true,
            errorClass: "timeout",
            error: `a run started at ${new Date(this.startedAt!).toISOString()} has not finished within max_runtime (${maxRuntimeMs! / 1000}s)`,
            details: { heartbeat: { ping: "none", runningSince: new Date(this.startedAt!).toISOString() } },
          }),
        );
        continue;
      }
      const due = missedAt!;
      this.nextDue = schedule.dueAfterMissed(due);
      out.push(
        this.slot(due, now - (due + graceMs), {
          status: "down",
          phases: { totalMs: 0 },
          untimed: true,
          errorClass: "timeout",
          error: `no ping by ${new Date(due + graceMs).toISOString()} (due ${new Date(due).toISOString()}, grace ${graceMs / 1000}s)`,
          details: { heartbeat: { ping: "missing", due: new Date(due).toISOString() } },
        }),
      );
    }
    return out;
  }

  private slot(at: number, latenessMs: number, result: ProbeResult): JudgedSlot {
    const slot = Math.max(at, this.lastSlot + 1);
    this.lastSlot = slot;
    return { slot, latenessMs: Math.max(0, latenessMs), result };
  }
}
