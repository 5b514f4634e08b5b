// Crash safety, short version (the long one is tests/chaos/crash-loop.chaos.ts, `npm run test:chaos`):
// the agent SIGKILLed at random points, the web process SIGKILLed during maintainers' writes, and
// another process holding SQLite's write lock. The scenarios and their invariants live in
// tests/helpers/chaos/; CHAOS_SEED repeats a run.
import { describe, expect, it } from "vitest";
import { chaosSeed } from "../helpers/chaos/common";
import { runAgentKillLoop } from "../helpers/chaos/agent-kill-loop";
import { runWebKillLoop } from "../helpers/chaos/web-kill-loop";
import { runBusyLockScenario } from "../helpers/chaos/busy-lock";

describe("crash safety (short)", () => {
  it("agent: 5 SIGKILLs at random points, 40 monitors, flapping targets and a slow webhook receiver", async () => {
    const r = await runAgentKillLoop({ kills: 5, monitors: 40, flapping: 6, steadyDown: 1, seed: chaosSeed(), finalTimeoutMs: 100_000 });
    expect(r.kills).toBe(5);
    expect(r.incidents).toBeGreaterThan(0);
    expect(r.notifications).toBeGreaterThan(0);
  }, 180_000);

  it("web: SIGKILL while incident.create writes are in flight, 3 times", async () => {
    const r = await runWebKillLoop({ rounds: 3, writers: 8, seed: chaosSeed() });
    expect(r.acknowledged).toBeGreaterThan(0);
    expect(r.cutOff).toBeGreaterThan(0);
  }, 180_000);

  it("SQLite write lock held 5 s by another process: no result lost, probe timing undistorted", async () => {
    const r = await runBusyLockScenario({ monitors: 20, lockMs: 5000 });
    expect(r.slotsInLock, "slots that fell inside the lock window").toBeGreaterThan(0);
  }, 60_000);
});
