import { utcText } from "@/monitors/core/utc-time";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { handleStateChanges } from "@/monitors/incidents/incident-automation";
import { queueDueReminders } from "@/monitors/incidents/reminders";
import { DEFAULT_INCIDENT_POLICY, type IncidentPolicy } from "@/monitors/config/incident-policy";
import { materializeSeries } from "@/monitors/maintenance/series";
import { queueMaintenanceTransitions } from "@/monitors/maintenance/maintenance-transitions";
import { monitorsUnderMaintenance, upcomingMaintenances } from "@/monitors/queries/maintenance";

let t: TempDb;
const ids: Record<string, number> = {};
const T0 = new Date("2026-11-28T10:00:00Z").getTime();
const MIN = 60_000;
const env = { PUBLIC_URL: "https://status.example" };

async function change(slug: string, from: string, to: string, atMs: number, reason = "connect ECONNREFUSED 10.0.0.7:443") {
  await t.db.stateChange.create({
    data: { monitorId: ids[slug], fromStatus: from, toStatus: to, at: new Date(atMs), confirmedAt: new Date(atMs + 2 * MIN), reason },
  });
}

async function run(policy: IncidentPolicy = DEFAULT_INCIDENT_POLICY, nowMs = T0 + 10 * MIN) {
  return handleStateChanges(t.db, policy, { now: () => new Date(nowMs), env });
}

beforeAll(async () => {
  t = await createTempDb();
  for (const [slug, isPublic, showTarget] of [
    ["api", true, false],
    ["web", true, true],
    ["ipfs", true, false],
    ["internal", false, false],
  ] as const) {
    const m = await t.db.monitor.create({
      data: {
        slug,
        name: slug.toUpperCase(),
        kind: "http",
        config: {},
        intervalSec: 60,
        timeoutMs: 5000,
        phaseMs: 0,
        isPublic,
        showTarget,
      },
    });
    ids[slug] = m.id;
  }
  await t.db.notificationChannel.create({
    data: { name: "oncall", kind: "webhook", config: { url: "http://127.0.0.1:9/", secret: "x".repeat(32) }, onCall: true },
  });
  await t.db.notificationChannel.create({
    data: {
      name: "web-only",
      kind: "webhook",
      config: { url: "http://127.0.0.1:9/", secret: "x".repeat(32) },
      monitors: ["web"],
      events: ["incident.opened", "incident.resolved"],
    },
  });
  await t.db.subscriber.create({ data: { email: "reader@example.com", confirmedAt: new Date(T0), unsubscribeTokenHash: "u1" } });
});
afterAll(async () => t?.cleanup());

beforeEach(async () => {
  await t.db.outbox.deleteMany();
  await t.db.actionToken.deleteMany();
  await t.db.incidentUpdate.deleteMany();
  await t.db.incidentMonitor.deleteMany();
  await t.db.incident.deleteMany();
  await t.db.stateChange.deleteMany();
});

describe("automatic incidents", () => {
  it("groups monitors that fail within the window into one incident and resolves it when all are back", async () => {
    await change("api", "up", "down", T0, "connect ECONNREFUSED 10.0.0.7:443");
    await change("web", "up", "degraded", T0 + 2 * MIN, "slower than 3000 ms");
    await change("ipfs", "up", "down", T0 + 9 * MIN); // outside the 5 min window: its own incident
    const r = await run();
    expect(r.handled).toBe(3);
    expect(r.opened).toHaveLength(2);
    expect(r.joined).toHaveLength(1);
    const first = await t.db.incident.findUniqueOrThrow({ where: { id: r.opened[0] }, include: { monitors: true, updates: true } });
    // The title follows the scope; each update says who joined and when, in readable UTC.
    expect(first.title).toBe("Major outage: API and WEB (2 services)");
    const joined = first.updates.map((u) => u.body).join("\n");
    expect(joined).toContain(`WEB is degraded since ${utcText(T0 + 2 * MIN)}`);
    expect(joined).toContain("(also affected)");
    expect(joined).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(first.impact).toBe("major");
    expect(first.startedAt.getTime()).toBe(T0);
    expect(first.monitors.map((m) => m.monitorId).sort()).toEqual([ids.api, ids.web].sort());
    // Error texts only for monitors that show their target.
    const bodies = first.updates.map((u) => u.body).join("\n");
    expect(bodies).toContain("WEB is degraded since 2026-11-28 10:02 UTC (slower than 3000 ms)");
    expect(bodies).not.toContain("10.0.0.7"); // API does not show its target

    await change("api", "down", "up", T0 + 20 * MIN);
    expect((await run(DEFAULT_INCIDENT_POLICY, T0 + 21 * MIN)).resolved).toEqual([]);
    await change("web", "degraded", "up", T0 + 25 * MIN);
    const done = await run(DEFAULT_INCIDENT_POLICY, T0 + 26 * MIN);
    expect(done.resolved).toEqual([first.id]);
    const resolved = await t.db.incident.findUniqueOrThrow({ where: { id: first.id } });
    expect(resolved.status).toBe("resolved");
    expect(resolved.resolvedAt?.getTime()).toBe(T0 + 25 * MIN);
  });

  it("handles each change exactly once, even when run twice or concurrently", async () => {
    await change("api", "up", "down", T0);
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.handled + b.handled).toBe(1);
    expect(await t.db.incident.count()).toBe(1);
    expect((await run()).handled).toBe(0);
    expect(await t.db.outbox.count({ where: { eventKey: { startsWith: "incident.opened:" } } })).toBe(2); // on-call channel and subscriber; "web-only" filters to another monitor
  });

  it("moves to monitoring instead of resolving when configured, and back to investigating on a relapse", async () => {
    const policy = { ...DEFAULT_INCIDENT_POLICY, onRecovery: "monitoring" as const };
    await change("api", "up", "down", T0);
    await change("api", "down", "up", T0 + 10 * MIN);
    await run(policy, T0 + 11 * MIN);
    const inc = await t.db.incident.findFirstOrThrow();
    expect(inc.status).toBe("monitoring");
    expect(inc.resolvedAt).toBeNull();
    await change("api", "up", "down", T0 + 40 * MIN);
    await run(policy, T0 + 41 * MIN);
    expect(await t.db.incident.count()).toBe(1);
    expect((await t.db.incident.findFirstOrThrow()).status).toBe("investigating");
  });

  it("keeps incidents about hidden monitors away from subscribers but tells the maintainers", async () => {
    await change("internal", "up", "down", T0);
    await run();
    const rows = await t.db.outbox.findMany();
    expect(rows.map((r) => r.target)).toEqual([expect.stringMatching(/^channel:/)]);
    const payload = rows[0].payload as { incident: { url: string }; ackUrl?: string };
    expect(payload.incident.url).toMatch(/\/admin\/incidents\/\d+$/);
    expect(payload.ackUrl).toMatch(/^https:\/\/status\.example\/ack\/[A-Za-z0-9_-]{40,}$/);
  });

  it("names only public monitors in titles, updates and subscribers' mails; hidden members are counted", async () => {
    const secret = "Secret hidden monitor XYZZY";
    const hidden = await t.db.monitor.upsert({
      where: { slug: "xyzzy" },
      create: {
        slug: "xyzzy",
        name: secret,
        kind: "tcp",
        config: {},
        intervalSec: 60,
        timeoutMs: 5000,
        phaseMs: 0,
        isPublic: false,
        showTarget: true,
      },
      update: {},
    });
    ids.xyzzy = hidden.id;
    await change("api", "up", "down", T0);
    await change("xyzzy", "up", "down", T0 + MIN, "connect ECONNREFUSED 10.66.0.1:5432");
    await run(DEFAULT_INCIDENT_POLICY, T0 + 2 * MIN);
    await change("api", "down", "up", T0 + 5 * MIN);
    await change("xyzzy", "down", "up", T0 + 6 * MIN);
    await run(DEFAULT_INCIDENT_POLICY, T0 + 7 * MIN);
    const inc = await t.db.incident.findFirstOrThrow({ include: { updates: true, monitors: true } });
    expect(inc.title).toBe("Major outage: API (1 service and 1 internal check)");
    // Maintainers still see every member (admin pages read IncidentMonitor).
    expect(inc.monitors.map((m) => m.monitorId).sort()).toEqual([ids.api, ids.xyzzy].sort());
    const publicText = [
      inc.title,
      ...inc.updates.map((u) => u.body),
      ...(await t.db.outbox.findMany({ where: { target: { startsWith: "subscriber:" } } })).map((r) => JSON.stringify(r.payload)),
    ].join("\n");
    expect(inc.updates.map((u) => u.body).join("\n")).toContain("An internal check is not responding as expected");
    expect(publicText).not.toContain("XYZZY");
    expect(publicText).not.toContain("10.66.0.1");
  });

  it("rewrites an older generated title that named a hidden member", async () => {
    const old = await t.db.incident.create({
      data: {
        title: "API and INTERNAL are down",
        status: "investigating",
        impact: "major",
        auto: true,
        startedAt: new Date(T0),
        monitors: {
          create: [
            { monitorId: ids.api, impact: "major" },
            { monitorId: ids.internal, impact: "major" },
          ],
        },
      },
    });
    await change("web", "up", "down", T0 + MIN);
    await run(DEFAULT_INCIDENT_POLICY, T0 + 2 * MIN);
    expect((await t.db.incident.findUniqueOrThrow({ where: { id: old.id } })).title).toBe(
      "Major outage: API and WEB (2 services and 1 internal check)",
    );
  });

  it("queues per-channel choices: events and monitors filters, ack links only for on-call channels", async () => {
    await change("web", "up", "down", T0);
    await run();
    const rows = await t.db.outbox.findMany({ include: { channel: true } });
    const byTarget = Object.fromEntries(
      rows.map((r) => [r.channel?.name ?? r.target, r.payload as { ackUrl?: string; unsubscribeUrl?: string }]),
    );
    expect(Object.keys(byTarget).sort()).toEqual(
      ["oncall", `subscriber:${(await t.db.subscriber.findFirstOrThrow()).id}`, "web-only"].sort(),
    );
    expect(byTarget.oncall.ackUrl).toBeDefined();
    expect(byTarget["web-only"].ackUrl).toBeUndefined();
    const sub = Object.entries(byTarget).find(([k]) => k.startsWith("subscriber:"))![1];
    expect(sub.ackUrl).toBeUndefined();
    expect(sub.unsubscribeUrl).toMatch(/^https:\/\/status\.example\/api\/unsubscribe\/\d+\.[A-Za-z0-9_-]+$/);
  });
});

describe("reminders", () => {
  it("queues each reminder once for on-call channels until the incident is acknowledged", async () => {
    await change("api", "up", "down", T0);
    await run(DEFAULT_INCIDENT_POLICY, T0);
    const inc = await t.db.incident.findFirstOrThrow();
    await t.db.incident.update({ where: { id: inc.id }, data: { createdAt: new Date(T0) } });
    const every = 30 * MIN;
    expect(await queueDueReminders(t.db, every, T0 + 29 * MIN, env)).toBe(0);
    expect(await queueDueReminders(t.db, every, T0 + 30 * MIN, env)).toBe(1);
    expect(await queueDueReminders(t.db, every, T0 + 45 * MIN, env)).toBe(0);
    expect(await queueDueReminders(t.db, every, T0 + 61 * MIN, env)).toBe(1);
    const reminders = await t.db.outbox.findMany({ where: { eventKey: { startsWith: "incident.reminder:" } }, include: { channel: true } });
    expect(reminders.map((r) => [r.eventKey, r.channel?.name])).toEqual([
      [`incident.reminder:${inc.id}:1`, "oncall"],
      [`incident.reminder:${inc.id}:2`, "oncall"],
    ]);
    await t.db.incident.update({ where: { id: inc.id }, data: { acknowledgedAt: new Date(T0 + 62 * MIN) } });
    expect(await queueDueReminders(t.db, every, T0 + 200 * MIN, env)).toBe(0);
  });
});

describe("maintenance", () => {
  it("materialises a weekly series across a DST change, once, and announces start and end", async () => {
    const now = new Date("2026-03-20T12:00:00Z").getTime();
    const series = await t.db.maintenance.create({
      data: {
        title: "Weekly storage upgrade",
        startsAt: new Date(now),
        endsAt: new Date("2026-12-31T00:00:00Z"),
        recurrence: "30 2 * * 0",
        timeZone: "Europe/Berlin",
        durationMinutes: 60,
        monitors: { create: [{ monitorId: ids.ipfs }] },
      },
    });
    expect(await materializeSeries(t.db, now, env)).toBe(2);
    expect(await materializeSeries(t.db, now, env)).toBe(0);
    const occ = await t.db.maintenance.findMany({ where: { seriesId: series.id }, orderBy: { startsAt: "asc" } });
    // 22 March: 02:30 CET = 01:30Z. 29 March is the spring-forward Sunday: 02:30 does not exist, so 03:00 CEST = 01:00Z.
    expect(occ.map((o) => o.startsAt.toISOString())).toEqual(["2026-03-22T01:30:00.000Z", "2026-03-29T01:00:00.000Z"]);
    expect(occ.map((o) => o.endsAt.getTime() - o.startsAt.getTime())).toEqual([3_600_000, 3_600_000]);
    // The series itself is a template: never a window, never "upcoming".
    expect((await upcomingMaintenances(t.db, now)).map((m) => m.startsAt.toISOString())).toEqual([
      "2026-03-22T01:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
    ]);
    expect(await monitorsUnderMaintenance(t.db, now)).toEqual(new Set());
    expect(await monitorsUnderMaintenance(t.db, Date.parse("2026-03-22T02:00:00Z"))).toEqual(new Set([ids.ipfs]));

    const scheduled = await t.db.outbox.count({ where: { eventKey: { startsWith: "maintenance.scheduled:" } } });
    expect(scheduled).toBeGreaterThan(0);
    expect(await queueMaintenanceTransitions(t.db, Date.parse("2026-03-22T01:31:00Z"), env)).toBeGreaterThan(0);
    expect(await queueMaintenanceTransitions(t.db, Date.parse("2026-03-22T01:32:00Z"), env)).toBe(0);
    expect(await queueMaintenanceTransitions(t.db, Date.parse("2026-03-22T02:31:00Z"), env)).toBeGreaterThan(0);
    const keys = (
      await t.db.outbox.findMany({ where: { eventKey: { contains: `:${occ[0].id}` } }, orderBy: { id: "asc" }, select: { eventKey: true } })
    ).map((r) => r.eventKey);
    expect([...new Set(keys)]).toEqual([
      `maintenance.scheduled:${occ[0].id}`,
      `maintenance.started:${occ[0].id}`,
      `maintenance.ended:${occ[0].id}`,
    ]);
  });
});
