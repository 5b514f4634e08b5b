// The short version of the load run (the full one is in npm run test:chaos and npm run bench):
// public routes under concurrent load while the agent probes, with no error answer, no missed
// slot and the agent measuring as well as a bare client does on the same machine.
import { describe, expect, it } from "vitest";
import { loadUnderProbing } from "../../bench/load-under-probing";
import { assertLoadOutcome } from "../helpers/load-outcome";

describe("load while probing (short)", () => {
  it("100 monitors every 5 s, 30 connections for 10 s", async () => {
    const f = await loadUnderProbing({ monitors: 100, connections: 30, seconds: 10, name: "load-short" });
    // Light load: the agent's median stays within 5 ms of a bare client's.
    assertLoadOutcome(f, 5);
  }, 120_000);
});
