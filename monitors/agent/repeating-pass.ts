import { firstLine } from "../core/error-text";

/**
 * A job the agent runs every `everyMs`, and at once when poked (after a commit, say). Never two
 * runs at once: a poke during a run makes it run again right after, and so does a run that says it
 * left work behind (resolves `true`), so a storm is handled a slice per run with the event loop free between.
 */
export class RepeatingPass {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly run: () => Promise<unknown>,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs after `delayMs` (default now), or right after the run in progress. */
  poke(delayMs = 0): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.run()
        .then((more) => {
          if (more === true) this.again = true;
        })
        .catch((e) => this.log(`${this.name} failed, will retry: ${firstLine(e)}`))
        .finally(() => {
          this.running = null;
          const again = this.again;
          this.again = false;
          this.poke(again ? 0 : this.everyMs);
        });
    }, delayMs);
  }

  /** No more runs; resolves when the one in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
