// Keeps npm start's children running. A status page must outlive its agent (and the agent its
// web process): when one child fails (a crash, the OOM killer, kill -9: any exit but status 0), it
// is started again after a pause that doubles with each quick failure (1 s … 30 s), and the other
// child is left alone. stop() (Ctrl-C, SIGTERM) ends both for good.
import { spawn } from "node:child_process";

export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;
// A child that ran this long before dying was healthy: its next restart starts from FIRST_DELAY_MS.
export const HEALTHY_AFTER_MS = 60_000;

export class Supervisor {
  /** @param {{ cwd: string, env: NodeJS.ProcessEnv, log: (line: string) => void, onSpawn?: (name: string, child: import("node:child_process").ChildProcess) => void }} opts */
  constructor(opts) {
    this.opts = opts;
    this.children = new Map(); // name → { child, argv, startedAt, delay, timer, restarts }
    this.stopping = false;
  }

  launch(name, argv) {
    const entry = this.children.get(name) ?? { argv, delay: FIRST_DELAY_MS, restarts: 0, timer: null, child: null, startedAt: 0 };
    entry.timer = null;
    entry.startedAt = Date.now();
    entry.child = spawn(process.execPath, argv, { cwd: this.opts.cwd, stdio: "inherit", env: this.opts.env });
    this.children.set(name, entry);
    this.opts.onSpawn?.(name, entry.child);
    entry.child.on("exit", (code, signal) => this.#exited(name, entry, code, signal));
  }

  #exited(name, entry, code, signal) {
    entry.child = null;
    if (this.stopping) {
      if (this.running() === 0) this.opts.onAllStopped?.();
      return;
    }
    const ranMs = Date.now() - entry.startedAt;
    // A clean exit was asked for (a signal sent to the child itself): that is a stop, not a crash.
    if (code === 0) {
      this.opts.log(`${name} stopped (status 0) after ${(ranMs / 1000).toFixed(1)} s; not restarted`);
      if (this.running() === 0) this.opts.onAllStopped?.();
      return;
    }
    if (ranMs >= HEALTHY_AFTER_MS) entry.delay = FIRST_DELAY_MS;
    const delay = entry.delay;
    entry.delay = Math.min(entry.delay * 2, MAX_DELAY_MS);
    entry.restarts++;
    this.opts.log(
      `${name} exited (${signal ?? `status ${code}`}) after ${(ranMs / 1000).toFixed(1)} s; restarting it in ${delay / 1000} s (restart ${entry.restarts})`,
    );
    entry.timer = setTimeout(() => this.launch(name, entry.argv), delay);
  }

  /** The child by name, when it is running. */
  child(name) {
    return this.children.get(name)?.child ?? null;
  }

  /** Starts a child that is waiting for its restart now (SIGHUP after fixing what made it fail). */
  restartNow(name) {
    const entry = this.children.get(name);
    if (!entry?.timer || this.stopping) return false;
    clearTimeout(entry.timer);
    this.launch(name, entry.argv);
    return true;
  }

  running() {
    return [...this.children.values()].filter((e) => e.child).length;
  }

  /** Ends every child: SIGTERM, then SIGKILL after `graceMs`; no more restarts. */
  stop(graceMs = 20_000) {
    if (this.stopping) return;
    this.stopping = true;
    for (const e of this.children.values()) {
      if (e.timer) clearTimeout(e.timer);
      e.child?.kill("SIGTERM");
    }
    if (this.running() === 0) return void this.opts.onAllStopped?.();
    // A child that ignores SIGTERM does not keep the terminal hostage.
    setTimeout(() => {
      for (const e of this.children.values()) e.child?.kill("SIGKILL");
    }, graceMs).unref();
  }
}
