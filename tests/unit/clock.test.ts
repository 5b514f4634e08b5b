import { afterEach, describe, expect, it, vi } from "vitest";
import { performance } from "node:perf_hooks";
import { preciseNow } from "@/monitors/schedule/clock";

describe("preciseNow", () => {
  afterEach(() => vi.restoreAllMocks());

  it("stays inside the wall clock's millisecond when the monotonic clock has drifted ahead", () => {
    const wall = 1_800_000_000_000;
    vi.spyOn(Date, "now").mockReturnValue(wall);
    // The monotonic clock says 5 ms later than the wall clock.
    vi.spyOn(performance, "now").mockReturnValue(wall - performance.timeOrigin + 5);
    const t = preciseNow();
    expect(t).toBeGreaterThanOrEqual(wall);
    expect(t).toBeLessThan(wall + 1);
  });

  it("stays inside the wall clock's millisecond when the wall clock was stepped forward", () => {
    const wall = 1_800_000_000_000;
    vi.spyOn(Date, "now").mockReturnValue(wall + 40);
    vi.spyOn(performance, "now").mockReturnValue(wall - performance.timeOrigin);
    const t = preciseNow();
    expect(t).toBeGreaterThanOrEqual(wall + 40);
    expect(t).toBeLessThan(wall + 41);
  });

  it("keeps sub-millisecond resolution between re-anchorings", () => {
    const wall = 1_800_000_000_000;
    const now = vi.spyOn(performance, "now");
    vi.spyOn(Date, "now").mockReturnValue(wall);
    now.mockReturnValue(wall - performance.timeOrigin + 9);
    const first = preciseNow();
    now.mockReturnValue(wall - performance.timeOrigin + 9.25);
    expect(preciseNow() - first).toBeCloseTo(0.25, 6);
  });
});
