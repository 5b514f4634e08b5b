import { Worker } from "node:worker_threads";
import type { ProbeLoop } from "./probe-loop";
import { PendingResults } from "./pending-results";
import type { StoreThreadData, ToProbeThread, ToStoreThread } from "./thread-messages";
import type { CheckOutcome } from "../store/result-writer";

export interface StoreThreadOptions {
  /** The worker's entry: the bundled .build/agent-store.mjs, or monitors/agent-store.ts under tsx. */
  entry: URL;
  data: StoreThreadData;
  loop: ProbeLoop;
  /** Outcomes held for the writer before new checks pause (back-pressure). */
  pendingLimit: number;
  log: (line: string) => void;
  /** Old-generation heap cap of the worker, in MB. */
  heapMb?: number;
  /** How long outcomes wait for company before they cross to the writer. */
  handOverMs?: number;
}

/** The store thread could not start: the lines say why (a bad config, a setting). */
export class StoreThreadFatal extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
  }
}

const MAX_RESTART_DELAY_MS = 10_000;
/** Outcomes per message: one message is one structured clone on this thread. */
const HANDOVER_BATCH = 500;

/**
 * The probe thread's side of the store thread: starts it, hands it outcomes in batches, follows
 * its assignments and leases, and restarts it when it dies.
 *
 * Every outcome stays in `pending` until the writer acknowledges its commit, so a writer that dies
 * mid-batch gets the same outcomes again from its successor (which skips what it finds stored).
 */
export class StoreThread {
  private worker: Worker | null = null;
  private ready = false;
  private stopping = false;
  private restarts = 0;
  private timer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly pending: PendingResults;
  private readonly handOverMs: number;
  private started?: { resolve: () => void; reject: (e: Error) => void };
  private stopped?: () => void;
  readonly stats = { restarts: 0, backPressureEpisodes: 0 };

  constructor(private readonly opts: StoreThreadOptions) {
    this.pending = new PendingResults(opts.pendingLimit);
    this.handOverMs = opts.handOverMs ?? 50;
  }

  /** Outcomes not yet committed (in the store thread's queue or on their way). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Resolves once the first store thread is ready; rejects with StoreThreadFatal if it cannot start. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.started = { resolve, reject };
      this.spawn();
    });
  }

  /** A finished check: kept until committed, handed over in the next batch. */
  push(outcome: CheckOutcome): void {
    const wasOver = this.pending.overLimit;
    this.pending.add(outcome);
    if (this.pending.overLimit && !wasOver) {
      this.stats.backPressureEpisodes += 1;
      this.opts.loop.hold(true);
      this.opts.log(
        `back-pressure: ${this.pending.size} results wait for the writer (limit ${this.pending.limit}); new checks are held until it has caught up to half`,
      );
    }
    if (!this.timer && this.ready) this.timer = setTimeout(() => this.handOver(), this.handOverMs);
  }

  reload(): void {
    this.send({ type: "reload" });
  }

  /** Hands over what is left, then lets the store thread drain and finish; resolves when it has. */
  async stop(deadlineMs = 40_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    // A store thread that is being restarted has results to write: wait for it.
    while (!this.ready && (this.worker || this.restartTimer) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.handOver();
    if (!this.worker) return;
    const done = new Promise<void>((resolve) => (this.stopped = resolve));
    this.send({ type: "stop" });
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, until - Date.now())).unref());
    await Promise.race([done, deadline]);
    if (this.pending.size) this.opts.log(`stopped with ${this.pending.size} results the writer did not commit`);
    await this.worker?.terminate();
  }

  /** Ends the store thread abruptly, as a crash would (tests). */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  private send(message: ToStoreThread): void {
    this.worker?.postMessage(message);
  }

  private handOver(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.ready) return;
    for (let batch = this.pending.takeUnsent(HANDOVER_BATCH); batch.length; batch = this.pending.takeUnsent(HANDOVER_BATCH)) {
      this.send({ type: "outcomes", outcomes: batch });
    }
  }

  private spawn(): void {
    const worker = new Worker(this.opts.entry, {
      workerData: this.opts.data,
      resourceLimits: this.opts.heapMb ? { maxOldGenerationSizeMb: this.opts.heapMb } : undefined,
    });
    this.worker = worker;
    worker.on("message", (m: ToProbeThread) => this.onMessage(m));
    worker.on("error", (e) => this.opts.log(`store thread failed: ${e.stack ?? e.message}`));
    worker.on("exit", (code) => this.onExit(worker, code));
  }

  private onMessage(m: ToProbeThread): void {
    const loop = this.opts.loop;
    switch (m.type) {
      case "assignments":
        loop.setAssignments(m.list, m.leased);
        break;
      case "leases":
        loop.setLeases(new Map(m.ids.map((id, i) => [id, m.validUntil[i]])), m.claimedAt);
        break;
      case "start-probes":
        loop.start();
        break;
      case "ready":
        this.ready = true;
        if (this.restarts) this.opts.log(`store thread restarted; handing it ${this.pending.size} results not yet committed`);
        this.pending.resendAll();
        this.handOver();
        this.started?.resolve();
        this.started = undefined;
        break;
      case "ack": {
        const wasOver = this.pending.overLimit;
        this.pending.ack(m.seq);
        this.restarts = 0;
        if (wasOver && !this.pending.overLimit) {
          loop.hold(false);
          this.opts.log(`back-pressure over: ${this.pending.size} results wait for the writer; checks resume`);
        }
        break;
      }
      case "fatal":
        if (this.started) {
          // The first start: nothing runs yet, so the process exits and says why.
          this.stopping = true;
          this.started.reject(new StoreThreadFatal(m.lines));
          this.started = undefined;
        } else {
          // A restart that cannot start (database gone, say) is tried again when the thread exits.
          this.opts.log(m.lines.join("\n"));
        }
        break;
      case "stopped":
        this.stopped?.();
        break;
    }
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    this.worker = null;
    this.ready = false;
    if (this.stopping) {
      this.stopped?.();
      return;
    }
    // The probes go on meanwhile: their outcomes wait in `pending` for the next store thread.
    this.restarts += 1;
    this.stats.restarts += 1;
    const delay = Math.min(MAX_RESTART_DELAY_MS, 250 * 2 ** (this.restarts - 1));
    this.opts.log(`store thread exited (code ${code}) with ${this.pending.size} results not yet committed; restarting it in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) this.spawn();
    }, delay);
  }
}
