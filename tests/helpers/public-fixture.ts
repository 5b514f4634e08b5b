import type { Db } from "@/monitors/store/client";
import { parseConfig } from "@/monitors/config/load";
import { syncConfig, type SyncedMonitor } from "@/monitors/store/config-sync";
import { loadLiveStates } from "@/monitors/store/live-states";
import { resultWriter } from "@/monitors/store/result-writer";

const MIN = 60_000;

export const XSS_BODY = 'We are <script>alert("x")</script> looking into it. [details](javascript:alert(1)) <img src=x onerror=alert(1)>';

/**
 * Public monitors in two groups plus a hidden one, two hours of results (the portal is down
 * for the last 30 minutes), an active incident with two updates (one carries XSS payloads),
 * a resolved incident, an active and an upcoming maintenance window.
 */
export async function seedPublicFixture(db: Db, now = Date.now()) {
  const report = await syncConfig(
    db,
    parseConfig(
      JSON.stringify({
        groups: [{ name: "Registry", slo: 99.5 }, "Storage"],
        monitors: [
          {
            slug: "registry-api",
            name: "Registry API",
            group: "Registry",
            kind: "http",
            url: "https://registry.internal.test/v2/",
            slo: 98,
          },
          { slug: "web-app", name: "Web app", group: "Registry", kind: "http", url: "https://app.internal.test/" },
          { slug: "skynet", name: "Skynet portal", group: "Storage", kind: "http", url: "https://portal.internal.test/" },
          {
            slug: "db-primary",
            name: "Hidden database",
            group: "Storage",
            kind: "tcp",
            host: "db.internal.test",
            port: 5432,
            public: false,
          },
        ],
      }),
      "fixture.yaml",
      {},
    ),
    new Date(now - 3 * 3_600_000),
  );
  const id = (slug: string) => report.monitors.find((m) => m.def.slug === slug)!.id;
  const writer = resultWriter(db, await loadLiveStates(db, report.monitors));
  const start = now - 120 * MIN;
  for (let i = 0; i < 120; i++) {
    const slot = start + i * MIN;
    for (const m of report.monitors) {
      const down = (m.def.slug === "skynet" && i >= 90) || m.def.slug === "db-primary";
      writer.push({
        monitorId: m.id,
        region: "default",
        slot,
        latenessMs: 0.5,
        result: down
          ? {
              status: "down",
              phases: { totalMs: 10_000 },
              details: {},
              errorClass: "timeout",
              error: "timeout connecting to portal.internal.test",
            }
          : {
              status: "up",
              phases: { dnsMs: 2, connectMs: 10, tlsMs: 30, firstByteMs: 40, totalMs: 90 + (i % 5) },
              details: { httpStatus: 200 },
            },
      });
    }
  }
  await writer.flush();

  const active = await db.incident.create({
    data: {
      title: "Skynet portal unreachable",
      status: "identified",
      impact: "major",
      auto: true,
      startedAt: new Date(now - 30 * MIN),
      monitors: {
        create: [
          { monitorId: id("skynet"), impact: "major" },
          { monitorId: id("db-primary"), impact: "critical" },
        ],
      },
      updates: {
        create: [
          { status: "investigating", body: XSS_BODY, createdAt: new Date(now - 28 * MIN) },
          {
            status: "identified",
            body: "The **storage backend** is down; see [the portal](https://portal.test/status).",
            createdAt: new Date(now - 10 * MIN),
          },
        ],
      },
    },
  });
  const resolved = await db.incident.create({
    data: {
      title: "Slow manifest fetches",
      status: "resolved",
      impact: "minor",
      startedAt: new Date(now - 40 * 86_400_000),
      resolvedAt: new Date(now - 40 * 86_400_000 + 45 * MIN),
      monitors: { create: [{ monitorId: id("registry-api"), impact: "minor" }] },
      updates: {
        create: [
          { status: "investigating", body: "Looking into slow pulls.", createdAt: new Date(now - 40 * 86_400_000) },
          { status: "resolved", body: "Fixed.", createdAt: new Date(now - 40 * 86_400_000 + 45 * MIN) },
        ],
      },
    },
  });
  // An automatic incident about the hidden monitor only: never public.
  const hiddenOnly = await db.incident.create({
    data: {
      title: "Hidden database failover",
      status: "investigating",
      impact: "critical",
      auto: true,
      startedAt: new Date(now - 5 * MIN),
      monitors: { create: [{ monitorId: id("db-primary") }] },
    },
  });
  const activeMaintenance = await db.maintenance.create({
    data: {
      title: "Web app deploy",
      body: "Rolling deploy of the web app.",
      startsAt: new Date(now - 5 * MIN),
      endsAt: new Date(now + 25 * MIN),
      monitors: { create: [{ monitorId: id("web-app") }] },
    },
  });
  const upcoming = await db.maintenance.create({
    data: {
      title: "Registry database upgrade",
      body: "Expect read-only pulls.",
      startsAt: new Date(now + 2 * 86_400_000),
      endsAt: new Date(now + 2 * 86_400_000 + 3_600_000),
      monitors: { create: [{ monitorId: id("registry-api") }] },
    },
  });
  return { report, id, active, resolved, hiddenOnly, activeMaintenance, upcoming, monitors: report.monitors as SyncedMonitor[] };
}
