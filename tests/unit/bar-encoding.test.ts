import { describe, expect, it } from "vitest";
import { encodeBars, levelsFromGradient } from "@/monitors/presentation/bar-encoding";
import type { BarLevel, DailyBar } from "@/monitors/queries/daily-bars";

function day(i: number, level: BarLevel, extra: Partial<DailyBar> = {}): DailyBar {
  const date = new Date(Date.UTC(2026, 8, 6) + i * 86_400_000).toISOString().slice(0, 10);
  const ratio = level === "nodata" || level === "maintenance" ? null : level === "ok" ? 1 : 0.99;
  return {
    date,
    ratio,
    downtimeMinutes: level === "ok" || ratio === null ? 0 : 14,
    maintenanceMinutes: level === "maintenance" ? 30 : 0,
    level,
    incidents: [],
    ...extra,
  };
}

describe("bar encoding", () => {
  it("draws 90 days as one gradient whose stops give every day's level back", () => {
    const levels: BarLevel[] = Array.from({ length: 90 }, (_, i) =>
      i < 10 ? "nodata" : i === 40 ? "major" : i === 41 ? "severe" : i === 70 ? "maintenance" : i === 89 ? "minor" : "ok",
    );
    const enc = encodeBars(levels.map((l, i) => day(i, l)));
    expect(enc.start).toBe("2026-09-06");
    expect(levelsFromGradient(enc.gradient, 90)).toEqual(levels);
    // one stop per run, not per day
    expect(enc.gradient.match(/var\(/g)?.length).toBe(8);
    expect(enc.gradient).toMatch(/^var\(--n\) 0 11\.1%,var\(--o\) 0 44\.4%,var\(--M\) 0 45\.6%,var\(--s\) 0 46\.7%,/);
    expect(enc.gradient.endsWith("var(--m) 0")).toBe(true);
  });

  it("a row of one level is one colour", () => {
    const enc = encodeBars(Array.from({ length: 90 }, (_, i) => day(i, "ok")));
    expect(enc.gradient).toBe("var(--o),var(--o)");
    expect(levelsFromGradient(enc.gradient, 90)).toEqual(Array(90).fill("ok"));
    expect(enc.detail).toBe("");
  });

  it("details only the days that are not a plain 100% day, leaving out zero maintenance", () => {
    const bars = Array.from({ length: 90 }, (_, i) => day(i, "ok"));
    bars[3] = day(3, "major");
    bars[5] = day(5, "maintenance");
    bars[7] = day(7, "severe", {
      incidents: [
        { id: 12, title: "Pulls failing" },
        { id: 13, title: "More" },
      ],
    });
    bars[9] = day(9, "nodata");
    expect(encodeBars(bars).detail).toBe("3:99,14;5:,0,30;7:99,14,0,12+13");
  });
});
