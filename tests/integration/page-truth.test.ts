// What the public surfaces may claim: only recent, confirmed observations (issue "The page says
// only what is true"). Each case below failed before: never-checked and stale monitors were given
// as operational, the degraded and maintenance wording was not Atlassian's, and maintenances and
// incident updates lacked their transitions, affected components and delivery facts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { statuspageV2 } from "@/monitors/api/statuspage-v2";
import { monitorBadgeContent, overallBadgeContent } from "@/monitors/badges/badge-content";
import { prometheusMetrics } from "@/monitors/api/prometheus-metrics";
import { renderMarkdown } from "@/monitors/presentation/markdown";
import { utcText } from "@/monitors/core/utc-time";
import { schemas } from "../helpers/statuspage-schema";

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const MIN = 60_000;
const BASE = "https://status.example";
let t: TempDb;
const ids: Record<string, number> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const get = async (e: Parameters<typeof statuspageV2>[0]): Promise<any> => {
  const body = await statuspageV2(e, { db: t.db, baseUrl: BASE, now: NOW });
  const r = schemas[e].safeParse(body);
  expect(r.success, `${e}: ${r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`).toBe(true);
  return body;
};

async function setState(slug: string, status: string | null, lastSlotAgoMs?: number) {
  await t.db.monitorState.deleteMany({ where: { monitorId: ids[slug] } });
  if (status !== null)
    await t.db.monitorState.create({
      data: { monitorId: ids[slug], status, lastSlot: new Date(NOW - (lastSlotAgoMs ?? 30_000)), lastStatus: status },
    });
}

beforeAll(async () => {
  t = await createTempDb();
  for (const [slug, group] of [
    ["api", "Registry"],
    ["pull", "Registry"],
    ["web", "Web app"],
  ] as const) {
    ids[slug] = (
      await t.db.monitor.create({
        data: {
          slug,
          name: slug.toUpperCase(),
          group,
          kind: "http",
          config: {},
          intervalSec: 60,
          timeoutMs: 10_000,
          phaseMs: 0,
          isPublic: true,
        },
      })
    ).id;
  }
});
afterAll(async () => t?.cleanup());
beforeEach(async () => {
  await t.db.outbox.deleteMany();
  await t.db.incidentUpdate.deleteMany();
  await t.db.incidentMonitor.deleteMany();
  await t.db.incident.deleteMany();
  await t.db.stateChange.deleteMany();
  await t.db.maintenanceMonitor.deleteMany();
  await t.db.maintenance.deleteMany();
  for (const slug of Object.keys(ids)) await setState(slug, "up");
});

describe("only recent, confirmed observations are claimed", () => {
  it("a monitor never checked is left out of the components, and its badge and metrics say no data", async () => {
    await setState("pull", null);
    const s = await get("summary");
    const shown = s.components.map((c: { id: string }) => c.id);
    expect(shown).not.toContain("pull");
    expect(s.components.find((c: { id: string }) => c.id === "group-registry").components).toEqual(["api"]);
    expect((await get("components")).components.map((c: { id: string }) => c.id)).not.toContain("pull");
    expect(await monitorBadgeContent(t.db, "pull", "status", { window: "30d", stat: "avg" } as never, NOW)).toMatchObject({
      message: "no data",
    });
    const metrics = await prometheusMetrics(t.db, { includeHidden: false, now: NOW });
    expect(metrics).not.toMatch(/openregistry_monitor_up\{monitor="pull"/);
    expect(metrics).toMatch(/openregistry_monitor_up\{monitor="api",group="Registry"\} 1/);
  });

  it("a result older than two intervals plus the timeout is stale: not operational anywhere", async () => {
    // 2 × 60 s + 10 s = 130 s; 75 s is still current, 3 minutes is not.
    await setState("api", "up", 75_000);
    await setState("pull", "up", 3 * MIN);
    await setState("web", "up", 3 * MIN);
    const s = await get("summary");
    expect(s.components.map((c: { id: string }) => c.id)).toEqual(["group-registry", "api"]);
    expect(await monitorBadgeContent(t.db, "web", "status", { window: "30d", stat: "avg" } as never, NOW)).toMatchObject({
      message: "no recent data",
      color: "lightgrey",
    });
    const metrics = await prometheusMetrics(t.db, { includeHidden: false, now: NOW });
    expect(metrics).toMatch(/openregistry_monitor_stale\{monitor="web",group="Web app"\} 1/);
    expect(metrics).toMatch(/openregistry_monitor_stale\{monitor="api",group="Registry"\} 0/);
    expect(metrics).not.toMatch(/openregistry_monitor_up\{monitor="web"/);

    // The agent frozen for everything: the page claims nothing, and says why.
    await setState("api", "up", 5 * MIN);
    const frozen = await get("status");
    expect(frozen.status).toEqual({ indicator: "minor", description: "Status Unknown: Checks Delayed" });
    const none = await get("components");
    expect(none.components).toEqual([]);
    expect(none.page.updated_at).toBe(new Date(NOW).toISOString());
    expect(await overallBadgeContent(t.db, NOW)).toMatchObject({ message: "no recent data" });
  });
});

describe("Statuspage v2 to the letter", () => {
  it("uses Atlassian's descriptions for degraded service and the maintenance indicator", async () => {
    await setState("api", "degraded");
    expect((await get("status")).status).toEqual({ indicator: "minor", description: "Partially Degraded Service" });
    for (const slug of ["pull", "web"]) await setState(slug, "degraded");
    expect((await get("status")).status).toEqual({ indicator: "minor", description: "Degraded System Service" });

    for (const slug of ["api", "pull", "web"]) await setState(slug, "up");
    await t.db.maintenance.create({
      data: {
        title: "Web deploy",
        startsAt: new Date(NOW - 10 * MIN),
        endsAt: new Date(NOW + 10 * MIN),
        monitors: { create: [{ monitorId: ids.web }] },
      },
    });
    expect((await get("status")).status).toEqual({ indicator: "maintenance", description: "Service Under Maintenance" });
  });

  it("maintenances: one update per transition with its own time, monitoring_at, verifying, and the time of a cancellation", async () => {
    const done = await t.db.maintenance.create({
      data: {
        title: "Done",
        body: "Planned.",
        createdAt: new Date(NOW - 5 * 60 * MIN),
        startsAt: new Date(NOW - 4 * 60 * MIN),
        endsAt: new Date(NOW - 3 * 60 * MIN),
        monitors: { create: [{ monitorId: ids.api }] },
      },
    });
    const verifying = await t.db.maintenance.create({
      data: {
        title: "Verifying",
        createdAt: new Date(NOW - 60 * MIN),
        startsAt: new Date(NOW - 40 * MIN),
        endsAt: new Date(NOW - 10 * MIN),
        monitors: { create: [{ monitorId: ids.web }] },
      },
    });
    const cancelledAt = new Date(NOW - 50 * MIN);
    const cancelled = await t.db.maintenance.create({
      data: {
        title: "Cancelled",
        createdAt: new Date(NOW - 2 * 60 * MIN),
        startsAt: new Date(NOW + 60 * MIN),
        endsAt: new Date(NOW + 120 * MIN),
        cancelledAt,
        monitors: { create: [{ monitorId: ids.pull }] },
      },
    });
    await setState("web", "down");
    const list = (await get("scheduled-maintenances")).scheduled_maintenances;
    const by = (id: number) => list.find((m: { id: string }) => m.id === `m${id}`);

    const d = by(done.id);
    expect(d.status).toBe("completed");
    expect(d.incident_updates.map((u: { status: string; created_at: string }) => [u.status, u.created_at])).toEqual([
      ["completed", new Date(NOW - 3 * 60 * MIN).toISOString()],
      ["verifying", new Date(NOW - 3 * 60 * MIN).toISOString()],
      ["in_progress", new Date(NOW - 4 * 60 * MIN).toISOString()],
      ["scheduled", new Date(NOW - 5 * 60 * MIN).toISOString()],
    ]);
    expect(d.monitoring_at).toBe(new Date(NOW - 3 * 60 * MIN).toISOString());
    expect(d.resolved_at).toBe(new Date(NOW - 3 * 60 * MIN).toISOString());

    // Its window is over but its monitor is down: verifying, not completed.
    const v = by(verifying.id);
    expect(v.status).toBe("verifying");
    expect(v.resolved_at).toBeNull();
    expect(v.monitoring_at).toBe(new Date(NOW - 10 * MIN).toISOString());

    const c = by(cancelled.id);
    expect(c.status).toBe("completed");
    expect(c.resolved_at).toBe(cancelledAt.toISOString());
    expect(c.scheduled_for).toBe(new Date(NOW + 60 * MIN).toISOString());
    expect(c.scheduled_until).toBe(new Date(NOW + 120 * MIN).toISOString());
    expect(c.incident_updates.map((u: { status: string; created_at: string }) => [u.status, u.created_at])[0]).toEqual([
      "completed",
      cancelledAt.toISOString(),
    ]);
  });

  it("incident updates carry the components whose state changed and whether they were delivered; a published postmortem is 'postmortem'", async () => {
    const start = NOW - 60 * MIN;
    const inc = await t.db.incident.create({
      data: {
        title: "Registry down",
        status: "resolved",
        impact: "major",
        auto: true,
        startedAt: new Date(start),
        resolvedAt: new Date(start + 30 * MIN),
        postmortem: "What happened.",
        monitors: {
          create: [
            { monitorId: ids.api, impact: "major" },
            { monitorId: ids.pull, impact: "major" },
          ],
        },
      },
    });
    await t.db.stateChange.createMany({
      data: [
        { monitorId: ids.api, fromStatus: "up", toStatus: "down", at: new Date(start), confirmedAt: new Date(start + MIN) },
        { monitorId: ids.pull, fromStatus: "up", toStatus: "down", at: new Date(start + 5 * MIN), confirmedAt: new Date(start + 6 * MIN) },
        { monitorId: ids.api, fromStatus: "down", toStatus: "up", at: new Date(start + 29 * MIN), confirmedAt: new Date(start + 30 * MIN) },
      ],
    });
    const opened = await t.db.incidentUpdate.create({
      data: { incidentId: inc.id, status: "investigating", body: "Automatic.", createdAt: new Date(start + 2 * MIN) },
    });
    const joined = await t.db.incidentUpdate.create({
      data: { incidentId: inc.id, status: "investigating", body: "PULL also affected.", createdAt: new Date(start + 7 * MIN) },
    });
    const resolved = await t.db.incidentUpdate.create({
      data: { incidentId: inc.id, status: "resolved", body: "Back.", createdAt: new Date(start + 31 * MIN) },
    });
    await t.db.outbox.create({
      data: {
        eventKey: `incident.opened:${inc.id}`,
        target: "channel:1",
        payload: {},
        status: "delivered",
        nextAttemptAt: new Date(start),
        deliveredAt: new Date(start + 3 * MIN),
      },
    });
    await t.db.outbox.create({
      data: {
        eventKey: `incident.updated:${joined.id}`,
        target: "channel:1",
        payload: {},
        status: "failed",
        nextAttemptAt: new Date(start),
      },
    });

    const i = (await get("incidents")).incidents.find((x: { id: string }) => x.id === String(inc.id));
    expect(i.status).toBe("postmortem");
    const u = Object.fromEntries(i.incident_updates.map((x: { id: string }) => [x.id, x]));
    expect(u[opened.id].affected_components).toEqual([{ code: "api", name: "API", old_status: "operational", new_status: "major_outage" }]);
    expect(u[joined.id].affected_components).toEqual([
      { code: "pull", name: "PULL", old_status: "operational", new_status: "major_outage" },
    ]);
    expect(u[resolved.id].affected_components).toEqual([
      { code: "api", name: "API", old_status: "major_outage", new_status: "operational" },
    ]);
    expect([u[opened.id].deliver_notifications, u[joined.id].deliver_notifications, u[resolved.id].deliver_notifications]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe("times in public text", () => {
  it("are readable UTC with <time datetime> for machines, and nothing else gets markup", () => {
    const at = Date.UTC(2026, 11, 4, 14, 13, 55);
    expect(utcText(at)).toBe("2026-12-04 14:13 UTC");
    expect(renderMarkdown(`API is down since ${utcText(at)} (also affected)`)).toContain(
      '<time datetime="2026-12-04T14:13Z">2026-12-04 14:13 UTC</time>',
    );
    // Inside code it stays text; around it, HTML is still escaped.
    expect(renderMarkdown("`2026-12-04 14:13 UTC` <b>x</b>")).not.toContain("<time");
    expect(renderMarkdown("<script>2026-12-04 14:13 UTC</script>")).toContain("&lt;script&gt;");
  });
});
