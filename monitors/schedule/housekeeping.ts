import cron from "node-cron";

export interface HousekeepingJob {
  name: string;
  /** node-cron expression (with seconds field allowed). */
  schedule: string;
  run: () => Promise<unknown>;
}

/** Runs each job on its cron schedule, never two runs of one job at once, logging failures. */
export function startHousekeeping(jobs: HousekeepingJob[], log: (line: string) => void) {
  const tasks = jobs.map((job) => {
    let busy = false;
    return cron.schedule(
      job.schedule,
      async () => {
        if (busy) return;
        busy = true;
        try {
          await job.run();
        } catch (e) {
          log(`housekeeping ${job.name} failed: ${(e as Error).message.split("\n")[0]}`);
        } finally {
          busy = false;
        }
      },
      { name: job.name, noOverlap: true },
    );
  });
  return {
    stop: async () => {
      for (const t of tasks) await t.stop();
    },
  };
}
