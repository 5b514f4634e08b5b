import { describe, expect, it } from "vitest";
import { uptimeRatio, windowSegments } from "@/monitors/queries/uptime";
import { histogramIndex, histogramQuantile, HISTOGRAM_BOUNDS_MS } from "@/monitors/core/histogram";
import { RollupDeltas } from "@/monitors/evaluate/rollup-delta";
import { overallStatus } from "@/monitors/queries/overall-status";
import { formatPercent } from "@/monitors/presentation/format";
import { uptimeMessage } from "@/monitors/badges/badge-content";

const H = 3_600_000;
const D = 24 * H;

describe("uptime math", () => {
  it("uptime = (up + degraded) / (up + degraded + down); maintenance and no data are left out", () => {
    expect(uptimeRatio({ up: 90, degraded: 8, down: 2, maintenance: 50 })).toBeCloseTo(0.98);
    expect(uptimeRatio({ up: 0, degraded: 0, down: 0, maintenance: 10 })).toBeNull();
    expect(uptimeRatio({ up: 0, degraded: 0, down: 0, maintenance: 0 })).toBeNull();
    expect(uptimeRatio({ up: 0, degraded: 1, down: 1, maintenance: 0 })).toBe(0.5);
  });

  it("splits a window into whole days, hours and minutes without overlap or gap", () => {
    const now = Date.UTC(2026, 10, 27, 15, 42, 10);
    const start = now - 7 * D;
    const segs = windowSegments(start, now);
    expect(segs.map((s) => s.resolution)).toEqual(["day", "hour", "minute"]);
    const [day, hour, minute] = segs;
    expect(minute.from).toBe(Date.UTC(2026, 10, 20, 15, 43));
    expect(minute.to).toBe(hour.from);
    expect(hour.from).toBe(Date.UTC(2026, 10, 20, 16));
    expect(hour.to).toBe(day.from);
    expect(day.from).toBe(Date.UTC(2026, 10, 21));
  });

  it("long windows read whole months, the current month's days, and a day/hour/minute front edge", () => {
    const now = Date.UTC(2026, 10, 27, 15, 42, 10);
    const segs = windowSegments(now - 365 * D, now);
    expect(segs).toEqual([
      { resolution: "month", from: Date.UTC(2025, 11, 1), to: Date.UTC(2026, 10, 1) },
      { resolution: "day", from: Date.UTC(2026, 10, 1), to: Infinity },
      { resolution: "day", from: Date.UTC(2025, 10, 28), to: Date.UTC(2025, 11, 1) },
      { resolution: "hour", from: Date.UTC(2025, 10, 27, 16), to: Date.UTC(2025, 10, 28) },
      { resolution: "minute", from: Date.UTC(2025, 10, 27, 15, 43), to: Date.UTC(2025, 10, 27, 16) },
    ]);
    // a window that starts inside last month reads days only
    expect(windowSegments(now - 30 * D, now).map((x) => x.resolution)).toEqual(["day", "hour", "minute"]);
  });

  it("a 24h window still covers the current partial day", () => {
    const now = Date.UTC(2026, 10, 27, 0, 30);
    const segs = windowSegments(now - D, now);
    expect(segs[0]).toMatchObject({ resolution: "day", from: Date.UTC(2026, 10, 27) });
    expect(segs[1]).toMatchObject({ resolution: "hour", from: Date.UTC(2026, 10, 26, 1), to: Date.UTC(2026, 10, 27) });
    expect(segs[2]).toMatchObject({ resolution: "minute", from: Date.UTC(2026, 10, 26, 0, 30), to: Date.UTC(2026, 10, 26, 1) });
  });

  it("rollup deltas count a slot in all three resolutions and move it on correction", () => {
    const d = new RollupDeltas();
    const slot = Date.UTC(2026, 0, 1, 10, 15, 20);
    d.addSlot(1, slot, "up", 42);
    d.moveSlot(1, slot, "up", "down");
    const v = d.values();
    expect(v.map((x) => x.resolution).sort()).toEqual(["day", "hour", "minute", "month"]);
    expect(v.find((x) => x.resolution === "month")!.bucket).toBe(Date.UTC(2026, 0, 1));
    for (const x of v) expect([x.up, x.down, x.latencyCount, x.latencySum]).toEqual([0, 1, 1, 42]);
    expect(v.find((x) => x.resolution === "hour")!.bucket).toBe(Date.UTC(2026, 0, 1, 10));
  });

  it("histogram quantiles interpolate within buckets and never exceed the max", () => {
    const counts = new Array(HISTOGRAM_BOUNDS_MS.length).fill(0);
    for (const ms of [5, 15, 15, 25, 45, 60, 90, 120, 180, 260]) counts[histogramIndex(ms)]++;
    const p50 = histogramQuantile(counts, 0.5, 260)!;
    expect(p50).toBeGreaterThanOrEqual(30);
    expect(p50).toBeLessThanOrEqual(75);
    expect(histogramQuantile(counts, 1, 260)).toBeLessThanOrEqual(260);
    expect(histogramQuantile(new Array(16).fill(0), 0.5)).toBeNull();
    expect(histogramIndex(20000)).toBe(HISTOGRAM_BOUNDS_MS.length - 1);
  });

  it("formats percentages without rounding a dip up to 100%", () => {
    expect(formatPercent(0.99999)).toBe("99.99%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(null)).toBe("no data");
    // float noise must not cost a hundredth: 0.29 * 100 * 100 is 2899.99…
    expect(formatPercent(0.29)).toBe("29.00%");
    expect(formatPercent(0.57)).toBe("57.00%");
    expect(uptimeMessage(0.29)).toBe("29%");
    expect(uptimeMessage(0.99995)).toBe("99.995%");
  });

  it("overall status follows the components and open incidents", () => {
    expect(overallStatus(["operational", "operational"])).toBe("operational");
    expect(overallStatus(["operational", "degraded_performance"])).toBe("degraded");
    expect(overallStatus(["operational", "operational", "major_outage"])).toBe("partial_outage");
    expect(overallStatus(["major_outage", "operational"])).toBe("major_outage");
    expect(overallStatus(["under_maintenance", "operational"])).toBe("maintenance");
    expect(overallStatus(["operational"], ["critical"])).toBe("major_outage");
    expect(overallStatus(["unknown"])).toBe("unknown");
  });
});
