import { describe, expect, it } from "vitest";
import { nextSlotAfter, phaseOffsetMs, slotContaining } from "@/monitors/schedule/slots";
import { parseDurationMs } from "@/monitors/core/duration";

describe("slot alignment", () => {
  it("slots are interval apart, offset by the phase, on the epoch clock", () => {
    const interval = 60_000;
    const phase = 12_345;
    const t = Date.UTC(2026, 10, 27, 12, 0, 30);
    const s = slotContaining(t, interval, phase);
    expect((s - phase) % interval).toBe(0);
    expect(s).toBeLessThanOrEqual(t);
    expect(t - s).toBeLessThan(interval);
    expect(nextSlotAfter(t, interval, phase)).toBe(s + interval);
    // exactly on a slot boundary: that slot contains it, the next one follows
    expect(slotContaining(s, interval, phase)).toBe(s);
    expect(nextSlotAfter(s, interval, phase)).toBe(s + interval);
  });

  it("phase is stable per slug and spreads monitors over the interval", () => {
    expect(phaseOffsetMs("registry-api", 60_000)).toBe(phaseOffsetMs("registry-api", 60_000));
    const phases = Array.from({ length: 1000 }, (_, i) => phaseOffsetMs(`m-${i}`, 60_000));
    for (const p of phases) expect(p >= 0 && p < 60_000).toBe(true);
    // no 1-second bucket holds more than 3% of the monitors
    const perSecond = new Map<number, number>();
    for (const p of phases) perSecond.set(Math.floor(p / 1000), (perSecond.get(Math.floor(p / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThan(30);
    expect(perSecond.size).toBeGreaterThan(55);
  });

  it("parses durations", () => {
    expect(parseDurationMs("500ms")).toBe(500);
    expect(parseDurationMs("30s")).toBe(30_000);
    expect(parseDurationMs("5m")).toBe(300_000);
    expect(parseDurationMs("1h")).toBe(3_600_000);
    expect(parseDurationMs(45)).toBe(45_000);
    expect(parseDurationMs("soon")).toBeNull();
    expect(parseDurationMs(-1)).toBeNull();
  });
});
