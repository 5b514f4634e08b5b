import { describe, expect, it } from "vitest";
import { decideQuorum, quorumResult, type RegionReport } from "@/monitors/evaluate/quorum";
import type { ErrorClass } from "@/monitors/core/probe-result";
import type { Observed } from "@/monitors/core/status";

/** A region's report: up/degraded with a latency, down with an error. */
function r(
  region: string,
  status: Observed,
  totalMs: number | null = status === "down" ? null : 100,
  error?: string,
  errorClass?: ErrorClass,
): RegionReport {
  return {
    region,
    status,
    totalMs,
    error: error ?? (status === "up" ? null : `${status} in ${region}`),
    errorClass: errorClass ?? (status === "down" ? "http_status" : null),
  };
}

describe("decideQuorum", () => {
  it("needs at least one report", () => {
    expect(() => decideQuorum([])).toThrow(/at least one/);
  });

  it("by default a majority of the regions that reported decides", () => {
    // 3 reported: majority 2.
    expect(decideQuorum([r("a", "down"), r("b", "down"), r("c", "up")])).toMatchObject({
      status: "down",
      quorum: 2,
      reported: 3,
      down: ["a", "b"],
    });
    expect(decideQuorum([r("a", "down"), r("b", "up"), r("c", "up")])).toMatchObject({ status: "up", quorum: 2, reported: 3, down: ["a"] });
    // 4 reported: majority is 3, half is not enough.
    expect(decideQuorum([r("a", "down"), r("b", "down"), r("c", "up"), r("d", "up")])).toMatchObject({ status: "up", quorum: 3 });
    expect(decideQuorum([r("a", "down"), r("b", "down"), r("c", "down"), r("d", "up")])).toMatchObject({ status: "down", quorum: 3 });
    // 2 reported: both must agree.
    expect(decideQuorum([r("a", "down"), r("b", "up")])).toMatchObject({ status: "up", quorum: 2 });
    // 1 reported: it decides alone.
    expect(decideQuorum([r("a", "down")])).toMatchObject({ status: "down", quorum: 1, reported: 1 });
    expect(decideQuorum([r("a", "up")])).toMatchObject({ status: "up", quorum: 1 });
  });

  it("applies an explicit quorum instead of the majority", () => {
    const oneDown = [r("a", "down"), r("b", "up"), r("c", "up")];
    expect(decideQuorum(oneDown, 1)).toMatchObject({ status: "down", quorum: 1 });
    expect(decideQuorum(oneDown, 2)).toMatchObject({ status: "up", quorum: 2 });
    const twoDown = [r("a", "down"), r("b", "down"), r("c", "up")];
    expect(decideQuorum(twoDown, 3)).toMatchObject({ status: "up", quorum: 3 });
    expect(decideQuorum(twoDown, 2)).toMatchObject({ status: "down", quorum: 2 });
    // null means "not configured", like undefined.
    expect(decideQuorum(twoDown, null)).toMatchObject({ status: "down", quorum: 2 });
  });

  it("keeps a configured quorum when fewer regions reported: they cannot outvote it", () => {
    // Configured 3, two reported and both down: not down, the quorum is not reached.
    expect(decideQuorum([r("a", "down"), r("b", "down")], 3)).toMatchObject({ status: "up", quorum: 3, reported: 2 });
    // Configured 2, only one region reported (the others are silent): its failure alone is not down.
    expect(decideQuorum([r("a", "down")], 2)).toMatchObject({ status: "up", quorum: 2, reported: 1 });
    expect(decideQuorum([r("a", "degraded", 900)], 2)).toMatchObject({ status: "up", quorum: 2 });
    // Without a configured quorum, the majority of those that reported decides, down to one region.
    expect(decideQuorum([r("a", "down")])).toMatchObject({ status: "down", quorum: 1, reported: 1 });
  });

  it("counts degraded with down towards degraded, never towards down", () => {
    // One down and one degraded of three: not down (1 < 2), but degraded or worse (2 >= 2).
    const v = decideQuorum([r("a", "down"), r("b", "degraded", 800), r("c", "up", 50)]);
    expect(v).toMatchObject({ status: "degraded", quorum: 2, down: ["a"], degraded: ["b"] });
    expect(decideQuorum([r("a", "degraded", 800), r("b", "degraded", 900), r("c", "up", 50)])).toMatchObject({
      status: "degraded",
      degraded: ["a", "b"],
      down: [],
    });
    expect(decideQuorum([r("a", "degraded", 800), r("b", "up", 60), r("c", "up", 50)])).toMatchObject({ status: "up", degraded: ["a"] });
    // Down wins over degraded when the down regions alone reach the quorum.
    expect(decideQuorum([r("a", "down"), r("b", "down"), r("c", "degraded", 700)])).toMatchObject({ status: "down" });
    // Explicit quorum 3: two degraded and one up is not enough.
    expect(decideQuorum([r("a", "degraded", 800), r("b", "down"), r("c", "up", 50)], 3)).toMatchObject({ status: "up" });
  });

  it("reports the median latency of the regions that answered", () => {
    expect(decideQuorum([r("a", "up", 300), r("b", "up", 100), r("c", "up", 200)]).totalMs).toBe(200);
    // Even count: the lower of the two middle values.
    expect(decideQuorum([r("a", "up", 400), r("b", "up", 100), r("c", "up", 300), r("d", "up", 200)]).totalMs).toBe(200);
    // Down regions and reports without a latency are left out (not counted as 0).
    expect(decideQuorum([r("a", "down", 5), r("b", "up", 100), r("c", "up", 500)]).totalMs).toBe(100);
    expect(decideQuorum([r("a", "up", null), r("b", "up", 700)]).totalMs).toBe(700);
    expect(decideQuorum([r("a", "degraded", 2000), r("b", "up", 100), r("c", "up", 300)]).totalMs).toBe(300);
    // Nobody answered.
    expect(decideQuorum([r("a", "down"), r("b", "down")]).totalMs).toBeNull();
  });

  it("names the regions in the error, and has none when up", () => {
    const down = decideQuorum([
      r("eu-west", "down", null, "HTTP 500", "http_status"),
      r("us-east", "down", null, "HTTP 500", "http_status"),
      r("ap-south", "up", 40),
    ]);
    expect(down.status).toBe("down");
    expect(down.error).toBe("eu-west, us-east: HTTP 500");
    expect(down.errorClass).toBe("http_status");

    const degraded = decideQuorum([r("eu-west", "degraded", 900, "slow"), r("us-east", "degraded", 950, "slow"), r("ap-south", "up", 40)]);
    expect(degraded).toMatchObject({ status: "degraded", error: "eu-west, us-east: slow" });

    // One region's failure outvoted: the slot is up and carries no error.
    const up = decideQuorum([r("eu-west", "up", 30), r("us-east", "up", 40), r("ap-south", "down", null, "connection refused", "connect")]);
    expect(up).toMatchObject({ status: "up", error: null, errorClass: null, down: ["ap-south"] });
  });

  it("never counts a region that did not report as down", () => {
    // Three regions are configured, one is silent: one down of the two that reported is not a quorum of 2.
    expect(decideQuorum([r("eu-west", "down"), r("us-east", "up")], 2)).toMatchObject({ status: "up", reported: 2, down: ["eu-west"] });
    // Default quorum over the two that reported (2): still up.
    expect(decideQuorum([r("eu-west", "down"), r("us-east", "up")])).toMatchObject({ status: "up", reported: 2 });
    // Silent regions do not show up among the down ones, whatever the quorum.
    for (const q of [undefined, 1, 2, 3]) {
      const v = decideQuorum([r("eu-west", "up"), r("us-east", "up")], q);
      expect(v.status).toBe("up");
      expect(v.down).toEqual([]);
      expect(v.reported).toBe(2);
    }
  });
});

describe("quorumResult", () => {
  it("times a slot by the median of the regions that answered", () => {
    const result = quorumResult([r("a", "up", 80), r("b", "up", 120), r("c", "down", 3000)]);
    expect(result).toMatchObject({
      status: "up",
      phases: { totalMs: 80 },
      details: { regions: { a: "up", b: "up", c: "down" }, quorum: 2 },
    });
    expect(result.error).toBeUndefined();
  });

  it("times a slot no region answered by the median time they took to fail, and names the regions", () => {
    const result = quorumResult([r("a", "down", 2000), r("b", "down", 5000), r("c", "down", 4000)]);
    expect(result).toMatchObject({ status: "down", phases: { totalMs: 4000 }, errorClass: "http_status" });
    expect(result.error).toMatch(/^a, b, c: /);
  });
});
