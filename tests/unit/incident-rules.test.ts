import { afterEach, describe, expect, it, vi } from "vitest";
import { placeFailure, allRecovered, type OpenIncidentView } from "@/monitors/incidents/incident-grouping";
import {
  automaticTitle,
  lifecycleProblem,
  postmortemProblem,
  worstImpact,
  impactOfMonitorStatus,
} from "@/monitors/incidents/incident-lifecycle";
import { dueReminder } from "@/monitors/incidents/reminders";
import { nextRetryDelay, DEFAULT_RETRY_POLICY } from "@/monitors/notify/retry-schedule";
import { safeNextPath } from "@/monitors/admin/safe-next";
import { wantsEvent } from "@/monitors/notify/channel-filter";

const MIN = 60_000;
const inc = (id: number, startedAt: number, monitors: Array<[number, boolean]>, auto = true): OpenIncidentView => ({
  id,
  auto,
  startedAt,
  monitors: new Map(monitors),
});

describe("incident grouping", () => {
  it("opens an incident when nothing is open", () => {
    expect(placeFailure(1, 0, [], 5 * MIN)).toEqual({ kind: "open" });
  });
  it("joins an automatic incident that started within the window, the most recent one", () => {
    const open = [inc(1, 0, [[10, false]]), inc(2, 3 * MIN, [[11, false]])];
    expect(placeFailure(12, 4 * MIN, open, 5 * MIN)).toEqual({ kind: "join", incidentId: 2 });
  });
  it("opens a new one when the failure starts outside the window", () => {
    expect(placeFailure(12, 6 * MIN, [inc(1, 0, [[10, false]])], 5 * MIN)).toEqual({ kind: "open" });
  });
  it("never joins a maintainer's incident by time alone", () => {
    expect(placeFailure(12, MIN, [inc(1, 0, [[10, false]], false)], 5 * MIN)).toEqual({ kind: "open" });
  });
  it("keeps a monitor with the open incident it is already in (automatic or manual)", () => {
    expect(placeFailure(10, 60 * MIN, [inc(1, 0, [[10, false]], false)], 5 * MIN)).toEqual({ kind: "already", incidentId: 1 });
    expect(placeFailure(10, 60 * MIN, [inc(1, 0, [[10, true]])], 5 * MIN)).toEqual({ kind: "relapse", incidentId: 1 });
  });
  it("resolves only when every monitor is back, and never an incident without monitors", () => {
    expect(
      allRecovered(
        new Map([
          [1, true],
          [2, false],
        ]),
      ),
    ).toBe(false);
    expect(
      allRecovered(
        new Map([
          [1, true],
          [2, true],
        ]),
      ),
    ).toBe(true);
    expect(allRecovered(new Map())).toBe(false);
  });
});

describe("incident lifecycle", () => {
  it("lets open incidents move between the open statuses and to resolved", () => {
    for (const from of ["investigating", "identified", "monitoring"])
      for (const to of ["investigating", "identified", "monitoring", "resolved"]) expect(lifecycleProblem(from, to)).toBeNull();
  });
  it("keeps resolved final and names unknown statuses", () => {
    expect(lifecycleProblem("resolved", "investigating")).toMatch(/resolved/);
    expect(lifecycleProblem("identified", "fixed")).toMatch(/investigating, identified, monitoring, resolved.*"fixed"/);
  });
  it("takes a postmortem only after resolution", () => {
    expect(postmortemProblem("monitoring")).toMatch(/once the incident is resolved/);
    expect(postmortemProblem("resolved")).toBeNull();
  });
  it("derives impacts and titles", () => {
    expect(worstImpact(["minor", "critical", "none"])).toBe("critical");
    expect(worstImpact([])).toBe("none");
    expect(impactOfMonitorStatus("down")).toBe("major");
    expect(impactOfMonitorStatus("degraded")).toBe("minor");
    expect(automaticTitle(["API"], "down")).toBe("API is down");
    expect(automaticTitle(["API", "Web"], "degraded")).toBe("API and Web are degraded");
    expect(automaticTitle(["A", "B", "C", "D", "E"], "down")).toBe("A, B and 3 more are down");
  });
});

describe("reminders", () => {
  afterEach(() => vi.useRealTimers());

  it("fires every interval until acknowledged, counted from when the incident was opened (fake timers)", () => {
    vi.useFakeTimers();
    const start = new Date("2026-11-28T10:00:00Z");
    vi.setSystemTime(start);
    const incident = { createdAt: new Date(start), acknowledgedAt: null as Date | null, resolvedAt: null as Date | null };
    const sent: number[] = [];
    // The agent's loop looks every few seconds; the reminder number makes each one go out once.
    const timer = setInterval(() => {
      const n = dueReminder(incident, Date.now(), 30 * MIN);
      if (n !== null && !sent.includes(n)) sent.push(n);
    }, 5_000);
    vi.advanceTimersByTime(29 * MIN + 55_000);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(30 * MIN);
    expect(sent).toEqual([1, 2]);
    incident.acknowledgedAt = new Date();
    vi.advanceTimersByTime(120 * MIN);
    expect(sent).toEqual([1, 2]);
    clearInterval(timer);
  });

  it("sends nothing for resolved incidents or when reminders are off", () => {
    const createdAt = new Date(0);
    expect(dueReminder({ createdAt, acknowledgedAt: null, resolvedAt: new Date(1) }, 5 * 3_600_000, 30 * MIN)).toBeNull();
    expect(dueReminder({ createdAt, acknowledgedAt: null, resolvedAt: null }, 5 * 3_600_000, 0)).toBeNull();
  });

  it("sends one reminder, not a burst, after the agent was down for hours", () => {
    expect(dueReminder({ createdAt: new Date(0), acknowledgedAt: null, resolvedAt: null }, 5 * 3_600_000 + 1, 30 * MIN)).toBe(10);
  });
});

describe("outbox retry schedule", () => {
  it("doubles from 30 s, caps at an hour and gives up after the last attempt", () => {
    const delays = Array.from({ length: 9 }, (_, i) => nextRetryDelay(i + 1));
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, null, null]);
    expect(nextRetryDelay(7, { ...DEFAULT_RETRY_POLICY, maxAttempts: 20 })).toBe(1_920_000);
    expect(nextRetryDelay(12, { ...DEFAULT_RETRY_POLICY, maxAttempts: 20 })).toBe(3_600_000);
  });
  it("honours a receiver's Retry-After when it is longer", () => {
    expect(nextRetryDelay(1, DEFAULT_RETRY_POLICY, 90_000)).toBe(90_000);
    expect(nextRetryDelay(3, DEFAULT_RETRY_POLICY, 1_000)).toBe(120_000);
    expect(nextRetryDelay(1, DEFAULT_RETRY_POLICY, 10 * 3_600_000)).toBe(3_600_000);
  });
});

describe("channel filters", () => {
  it("treats empty lists as everything and narrows by event and monitor", () => {
    expect(wantsEvent({ events: [], monitors: [] }, "incident.opened", [])).toBe(true);
    expect(wantsEvent({ events: ["incident.resolved"], monitors: [] }, "incident.opened", ["api"])).toBe(false);
    expect(wantsEvent({ events: [], monitors: ["api"] }, "incident.opened", ["web", "api"])).toBe(true);
    expect(wantsEvent({ events: [], monitors: ["api"] }, "incident.opened", ["web"])).toBe(false);
    expect(wantsEvent({ events: [], monitors: ["api"] }, "incident.opened", [])).toBe(false);
  });
});

describe("login redirect target", () => {
  it("follows only paths inside the maintainers' area", () => {
    expect(safeNextPath("/admin/incidents/3")).toBe("/admin/incidents/3");
    expect(safeNextPath("/admin?x=1")).toBe("/admin?x=1");
    for (const bad of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "/%2F%2Fevil.example",
      "/admin/../../evil",
      "javascript:alert(1)",
      "/adminx",
      "",
      "/%5cevil",
      "/admin\n//evil",
    ]) {
      const r = safeNextPath(bad);
      expect(r.startsWith("/admin"), bad).toBe(true);
      expect(r).not.toMatch(/evil\.example|^\/\//);
    }
    expect(safeNextPath("/admin/../../evil")).toBe("/admin");
  });
});
