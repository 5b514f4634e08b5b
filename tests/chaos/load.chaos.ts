// The full load run: 200 connections for 60 s on the page, summary.json and a badge while the
// agent probes 500 monitors.
import { describe, expect, it } from "vitest";
import { loadUnderProbing } from "@/bench/load-under-probing";
import { assertLoadOutcome } from "../helpers/load-outcome";

describe("load while probing (full)", () => {
  it("500 monitors every 5 s, 200 connections for 60 s", async () => {
    const f = await loadUnderProbing({ monitors: 500, connections: 200, seconds: 60, name: "load-chaos", log: console.log });
    console.log(JSON.stringify(f));
    expect(f.monitors).toBe(500);
    assertLoadOutcome(f);
  }, 130_000);
});
