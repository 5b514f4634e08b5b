import cron from "node-cron";
import { describe, expect, it, vi } from "vitest";
import {
  describeRecurrence,
  minimumGapMinutes,
  occurrencesBetween,
  parseRecurrence,
  type RecurrenceRule,
} from "@/monitors/maintenance/recurrence";

function rule(expr: string, zone: string): RecurrenceRule {
  const r = parseRecurrence(expr, zone);
  if (!r.ok) throw new Error(r.error);
  return r.rule;
}

function iso(expr: string, zone: string, from: string, to: string, max?: number): string[] {
  return occurrencesBetween(rule(expr, zone), new Date(from), new Date(to), max).map((d) => d.toISOString());
}

/** Wall clock of an instant in a zone, e.g. "2026-03-29 03:00". */
function local(d: string, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    })
      .formatToParts(new Date(d))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

describe("parseRecurrence errors", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["* * * *", "UTC", /4 fields.*expected 5/],
    ["0 * * * * *", "UTC", /6 fields.*5 fields.*minute precision/],
    ["60 * * * *", "UTC", /^minute field "60": 60 is out of range 0-59$/],
    ["* 24 * * *", "UTC", /^hour field "24": 24 is out of range 0-23$/],
    ["* 25 * * *", "UTC", /^hour field "25": 25 is out of range 0-23$/],
    ["* * 0 * *", "UTC", /^day-of-month field "0": 0 is out of range 1-31$/],
    ["* * * 13 *", "UTC", /^month field "13": 13 is out of range 1-12$/],
    ["* * * * 8", "UTC", /^day-of-week field "8": 8 is out of range 0-7$/],
    ["*/0 * * * *", "UTC", /^minute field "\*\/0": step 0 is out of range 1-59$/],
    ["5-1 * * * *", "UTC", /^minute field "5-1": range 5-1 runs backwards/],
    ["abc * * * *", "UTC", /^minute field "abc": "abc" is not a number$/],
    ["0 0 * FOO *", "UTC", /^month field "FOO": .*month name/],
    ["0 0 * * FUNDAY", "UTC", /^day-of-week field "FUNDAY": .*weekday name/],
    ["1,,2 * * * *", "UTC", /^minute field "1,,2": empty item/],
    ["5/10 * * * *", "UTC", /^minute field "5\/10": a step needs/],
    ["0 0 31 2 *", "UTC", /^day-of-month field "31": no selected month has day 31/],
    ["@daily", "UTC", /macros are not supported/],
    ["", "UTC", /empty/],
    ["30 2 * * 0", "Mars/Olympus", /unknown time zone "Mars\/Olympus"/],
    ["30 2 * * 0", "", /time zone is required/],
  ];
  for (const [expr, zone, message] of cases) {
    it(`rejects ${JSON.stringify(expr)} in ${JSON.stringify(zone)}`, () => {
      const r = parseRecurrence(expr, zone);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(message);
    });
  }

  it("rejects what node-cron's validator rejects", () => {
    const spy = vi.spyOn(cron, "validate").mockReturnValueOnce(false);
    try {
      const r = parseRecurrence("0 3 * * *", "UTC");
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/rejected by node-cron's validator/);
      expect(spy).toHaveBeenCalledWith("0 3 * * *");
    } finally {
      spy.mockRestore();
    }
    expect(parseRecurrence("0 3 * * *", "UTC").ok).toBe(true);
  });

  it("accepts names, lists, ranges, steps and Sunday as 7", () => {
    const r = rule("10-50/10 0,12 1-5 jan,Mar-MAY mon-FRI", "europe/berlin");
    expect(r.timeZone).toBe("Europe/Berlin");
    expect(r.minutes).toEqual([10, 20, 30, 40, 50]);
    expect(r.hours).toEqual([0, 12]);
    expect(r.daysOfMonth).toEqual([1, 2, 3, 4, 5]);
    expect(r.months).toEqual([1, 3, 4, 5]);
    expect(r.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(rule("0 0 * * 7", "UTC").daysOfWeek).toEqual([0]);
    expect(rule("0 0 * * FRI-SUN", "UTC").daysOfWeek).toEqual([0, 5, 6]);
    expect(rule("*/15 * * * *", "UTC").minutes).toEqual([0, 15, 30, 45]);
    expect(rule("  0   3 * * *  ", "UTC").expression).toBe("0 3 * * *");
  });
});

describe("occurrencesBetween across daylight-saving changes", () => {
  it("Europe/Berlin spring forward: 02:30 on 2026-03-29 happens at 03:00 CEST", () => {
    const got = iso("30 2 * * 0", "Europe/Berlin", "2026-03-20T00:00:00Z", "2026-04-10T00:00:00Z");
    expect(got).toEqual([
      "2026-03-22T01:30:00.000Z", // 02:30 CET (UTC+1)
      "2026-03-29T01:00:00.000Z", // 02:30 does not exist; first instant after the gap, 03:00 CEST
      "2026-04-05T00:30:00.000Z", // 02:30 CEST (UTC+2)
    ]);
    expect(got.map((d) => local(d, "Europe/Berlin"))).toEqual(["2026-03-22 02:30", "2026-03-29 03:00", "2026-04-05 02:30"]);
  });

  it("several skipped times in one gap collapse into a single occurrence", () => {
    const got = iso("0,30 2,3 * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z");
    // 02:00, 02:30 and 03:00 local all land on 03:00 CEST once; 03:30 stays.
    expect(got).toEqual(["2026-03-29T01:00:00.000Z", "2026-03-29T01:30:00.000Z"]);
  });

  it("America/New_York fall back: 01:30 on 2026-11-01 happens once, at the first (EDT) instant", () => {
    const got = iso("30 1 * * *", "America/New_York", "2026-10-31T00:00:00Z", "2026-11-03T00:00:00Z");
    expect(got).toEqual([
      "2026-10-31T05:30:00.000Z", // 01:30 EDT (UTC-4)
      "2026-11-01T05:30:00.000Z", // first 01:30 (EDT); the repeat at 06:30Z (EST) is skipped
      "2026-11-02T06:30:00.000Z", // 01:30 EST (UTC-5)
    ]);
    expect(local("2026-11-01T06:30:00Z", "America/New_York")).toBe("2026-11-01 01:30");
    // Starting inside the repeated hour does not resurrect the second 01:30.
    expect(iso("30 1 * * *", "America/New_York", "2026-11-01T06:00:00Z", "2026-11-02T00:00:00Z")).toEqual([]);
  });

  it("America/New_York spring forward: 02:00 on 2026-03-08 happens at 03:00 EDT", () => {
    const got = iso("0 2 * * *", "America/New_York", "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z");
    expect(got).toEqual([
      "2026-03-07T07:00:00.000Z", // 02:00 EST (UTC-5)
      "2026-03-08T07:00:00.000Z", // 03:00 EDT, first instant after the gap
      "2026-03-09T06:00:00.000Z", // 02:00 EDT (UTC-4)
    ]);
    expect(local(got[1], "America/New_York")).toBe("2026-03-08 03:00");
  });
});

describe("occurrencesBetween matching", () => {
  it("with both day fields restricted, matches the 13th OR any Friday", () => {
    const got = iso("0 0 13 * 5", "UTC", "2026-02-01T00:00:00Z", "2026-04-01T00:00:00Z");
    expect(got).toEqual([
      "2026-02-06T00:00:00.000Z",
      "2026-02-13T00:00:00.000Z", // the 13th, also a Friday: once
      "2026-02-20T00:00:00.000Z",
      "2026-02-27T00:00:00.000Z",
      "2026-03-06T00:00:00.000Z",
      "2026-03-13T00:00:00.000Z",
      "2026-03-20T00:00:00.000Z",
      "2026-03-27T00:00:00.000Z",
    ]);
    // In April 2026 the 13th is a Monday, so it shows up beside the Fridays.
    expect(iso("0 0 13 * 5", "UTC", "2026-04-01T00:00:00Z", "2026-04-20T00:00:00Z")).toEqual([
      "2026-04-03T00:00:00.000Z",
      "2026-04-10T00:00:00.000Z",
      "2026-04-13T00:00:00.000Z",
      "2026-04-17T00:00:00.000Z",
    ]);
  });

  it("a day field starting with * narrows the other (Vixie AND)", () => {
    // odd days that are Fridays
    expect(iso("0 0 */2 * 5", "UTC", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")).toEqual([
      "2026-03-13T00:00:00.000Z",
      "2026-03-27T00:00:00.000Z",
    ]);
  });

  it("UTC rules: bounds are [from, to) and from rounds up to a whole minute", () => {
    expect(iso("*/15 10 * * *", "UTC", "2026-05-01T10:15:00Z", "2026-05-01T10:45:00Z")).toEqual([
      "2026-05-01T10:15:00.000Z",
      "2026-05-01T10:30:00.000Z",
    ]);
    expect(iso("*/15 10 * * *", "UTC", "2026-05-01T10:15:00.001Z", "2026-05-01T11:00:00Z")).toEqual([
      "2026-05-01T10:30:00.000Z",
      "2026-05-01T10:45:00.000Z",
    ]);
    expect(iso("0 0 1 JAN *", "UTC", "2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z")).toEqual([
      "2026-01-01T00:00:00.000Z",
      "2027-01-01T00:00:00.000Z",
      "2028-01-01T00:00:00.000Z",
    ]);
    expect(iso("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z")).toEqual(["2028-02-29T00:00:00.000Z"]);
    expect(iso("* * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", 3)).toHaveLength(3);
  });

  it("half-hour zones: 09:30 in Asia/Kolkata is 04:00Z", () => {
    const got = iso("30 9 * * MON", "Asia/Kolkata", "2026-06-01T00:00:00Z", "2026-06-16T00:00:00Z");
    expect(got).toEqual(["2026-06-01T04:00:00.000Z", "2026-06-08T04:00:00.000Z", "2026-06-15T04:00:00.000Z"]);
    // 00:15 local on Monday is still Sunday 18:45Z
    expect(iso("15 0 * * 1", "Asia/Kolkata", "2026-06-01T00:00:00Z", "2026-06-09T00:00:00Z")).toEqual(["2026-06-07T18:45:00.000Z"]);
  });

  it("expands dense and sparse rules over 14 days (counts; fast thanks to skipping)", () => {
    const from = "2026-03-22T00:00:00Z"; // spans the Berlin spring-forward day
    const to = "2026-04-05T00:00:00Z";
    // Spring forward removes wall times but no real instants: the skipped 02:00-02:55 all
    // collapse onto 03:00 CEST, so every 5-minute UTC instant is still an occurrence.
    expect(iso("*/5 * * * *", "Europe/Berlin", from, to, 10_000)).toHaveLength(14 * 288);
    // Fall back repeats 01:00-01:55; the repeats (EST) are not occurrences.
    expect(iso("*/5 * * * *", "America/New_York", "2026-10-25T12:00:00Z", "2026-11-08T12:00:00Z", 10_000)).toHaveLength(14 * 288 - 12);
    expect(iso("*/5 * * * *", "UTC", from, to, 10_000)).toHaveLength(14 * 288);
    expect(iso("30 2 * * 0", "Europe/Berlin", from, to)).toHaveLength(2);
    // default cap
    expect(iso("*/5 * * * *", "UTC", from, to)).toHaveLength(500);
  });
});

describe("minimumGapMinutes", () => {
  it("is 360 for every six hours", () => {
    expect(minimumGapMinutes(rule("0 */6 * * *", "UTC"), new Date("2026-03-01T00:00:00Z"))).toBe(360);
  });

  it("measures real elapsed time, so a spring-forward day shortens it", () => {
    // 00:00 EST (05:00Z) → 06:00 EDT (10:00Z) on 2026-03-08
    expect(minimumGapMinutes(rule("0 */6 * * *", "America/New_York"), new Date("2026-03-01T00:00:00Z"))).toBe(300);
  });

  it("is null with fewer than two occurrences", () => {
    expect(minimumGapMinutes(rule("0 3 1 * *", "UTC"), new Date("2026-03-02T00:00:00Z"))).toBeNull();
    expect(minimumGapMinutes(rule("0 3 1 * *", "UTC"), new Date("2026-03-02T00:00:00Z"), 61)).toBe(
      (Date.UTC(2026, 4, 1) - Date.UTC(2026, 3, 1)) / 60_000,
    );
  });
});

describe("describeRecurrence", () => {
  it("names common shapes and falls back to the expression", () => {
    expect(describeRecurrence(rule("30 2 * * 0", "Europe/Berlin"))).toBe("every Sunday at 02:30 (Europe/Berlin)");
    expect(describeRecurrence(rule("0 22 * * *", "UTC"))).toBe("every day at 22:00 (UTC)");
    expect(describeRecurrence(rule("5 4 * * 1-5", "UTC"))).toBe("every weekday at 04:05 (UTC)");
    expect(describeRecurrence(rule("0 1 * * SUN,wed,6", "UTC"))).toBe("every Wednesday, Saturday and Sunday at 01:00 (UTC)");
    expect(describeRecurrence(rule("0 3 1 * *", "Asia/Kolkata"))).toBe("on day 1 of every month at 03:00 (Asia/Kolkata)");
    expect(describeRecurrence(rule("0 3 1,15 * *", "UTC"))).toBe("on days 1 and 15 of every month at 03:00 (UTC)");
    expect(describeRecurrence(rule("0 0 13 * 5", "UTC"))).toBe('cron "0 0 13 * 5" (UTC)');
    expect(describeRecurrence(rule("*/15 * * * *", "UTC"))).toBe('cron "*/15 * * * *" (UTC)');
  });
});
