import { describe, expect, it } from "vitest";
import { barLevel } from "@/monitors/queries/daily-bars";

const day = (up: number, down: number, degraded = 0, maintenance = 0) => ({ up, degraded, down, maintenance });

describe("a day's colour follows the share of its observed time that was down", () => {
  it("today's bar of a monitor down for all its observed time is red, however few minutes that is", () => {
    expect(barLevel(day(0, 2))).toBe("severe");
  });

  it("thresholds: none ok, under 1% minor, under 10% major, 10% or more down severe", () => {
    expect(barLevel(day(1440, 0))).toBe("ok");
    expect(barLevel(day(1430, 10))).toBe("minor"); // 0.69%
    expect(barLevel(day(1340, 100))).toBe("major"); // 6.9%
    expect(barLevel(day(1296, 144))).toBe("severe"); // exactly 10%
  });

  it("slow time is observed but does not colour the day; maintenance and no data are their own colours", () => {
    expect(barLevel(day(0, 0, 1440))).toBe("ok");
    expect(barLevel(day(0, 144, 1296))).toBe("severe");
    expect(barLevel(day(0, 0, 0, 60))).toBe("maintenance");
    expect(barLevel(day(0, 0))).toBe("nodata");
  });
});
