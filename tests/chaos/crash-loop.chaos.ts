// Crash safety, long version: `npm run test:chaos` (vitest.chaos.config.ts). The short version runs
// in the normal suite (tests/integration/crash-safety.test.ts); both use tests/helpers/chaos/.
//   CHAOS_KILLS     agent SIGKILLs (default 50)
//   CHAOS_MONITORS  monitors the agent probes at 1 s (default 200)
//   CHAOS_SEED      repeats a run (every scenario prints the seed it used)
//   CHAOS_DEBUG=1   prints the lock scenario's lateness second by second and the agent's output
// The timeouts here (60 + 110 + 300 s) and in load.chaos.ts (130 s) add up to 10 minutes, the bound of the whole run.
import { describe, expect, it } from "vitest";
import { chaosSeed, envInt } from "../helpers/chaos/common";
import { runAgentKillLoop } from "../helpers/chaos/agent-kill-loop";
import { runWebKillLoop } from "../helpers/chaos/web-kill-loop";
import { runBusyLockScenario } from "../helpers/chaos/busy-lock";

const KILLS = envInt("CHAOS_KILLS", 50);
const MONITORS = envInt("CHAOS_MONITORS", 200);

describe("crash safety (chaos)", () => {
  it("SQLite write lock held 5 s by another process: no result lost, probe timing undistorted", async () => {
    const r = await runBusyLockScenario({ monitors: 20, lockMs: 5000 });
    expect(r.slotsInLock, "slots that fell inside the lock window").toBeGreaterThan(0);
  }, 60_000);

  it("web: SIGKILL while incident.create writes are in flight, 10 times", async () => {
    const r = await runWebKillLoop({ rounds: 10, writers: 8, seed: chaosSeed() });
    expect(r.acknowledged).toBeGreaterThan(0);
    expect(r.cutOff).toBeGreaterThan(0);
  }, 110_000);

  it(`agent: ${KILLS} SIGKILLs at random points, ${MONITORS} monitors, flapping targets and a slow webhook receiver`, async () => {
    const r = await runAgentKillLoop({
      kills: KILLS,
      monitors: MONITORS,
      flapping: Math.max(2, Math.round(MONITORS / 20)),
      steadyDown: 2,
      seed: chaosSeed(),
      finalTimeoutMs: 100_000,
    });
    expect(r.kills).toBe(KILLS);
    expect(r.incidents).toBeGreaterThan(0);
    expect(r.notifications).toBeGreaterThan(0);
  }, 300_000);
});
