import { afterEach, describe, expect, it } from "vitest";
import { createTempDb, testProvider, type TempDb } from "../helpers/temp-db";
import { parseConfig } from "@/monitors/config/load";
import { syncConfig } from "@/monitors/store/config-sync";
import { resultWriter, type LiveState } from "@/monitors/store/result-writer";
import { INITIAL_STATE } from "@/monitors/evaluate/hysteresis";
import type { Observed } from "@/monitors/core/status";
import { handleStateChanges } from "@/monitors/incidents/incident-automation";
import { DEFAULT_INCIDENT_POLICY } from "@/monitors/config/incident-policy";
import { uptimeForAll } from "@/monitors/queries/uptime";
import { getMonitorPage } from "@/monitors/queries/monitor-page";
import { decideSlots } from "@/monitors/regions/quorum-decider";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { MonitorDetail } from "@/app/_ui/MonitorDetail";
import { translator } from "@/monitors/i18n/translator";
import { heartbeat } from "../helpers/regions";

/**
 * A storage outage seen through the real write path (results, hysteresis, state changes, rollups)
 * and incident automation: the dependency and its dependants fail together.
 */
const MIN = 60_000;
const env = { PUBLIC_URL: "https://status.example" };
const HIDDEN = "Secret mirror pull";

const CONFIG = `
monitors:
  - { slug: storage, name: Filebase S3, group: Storage, kind: tcp, host: s3.test, port: 443 }
  - { slug: pull-1, name: Pull one, group: Registry, kind: tcp, host: r.test, port: 443, depends_on: [storage] }
  - { slug: pull-2, name: Pull two, group: Registry, kind: tcp, host: r.test, port: 443, depends_on: [storage] }
  - { slug: pull-3, name: Pull three, group: Registry, kind: tcp, host: r.test, port: 443, depends_on: [storage] }
  - { slug: mirror, name: ${HIDDEN}, group: Internal, public: false, kind: tcp, host: m.internal, port: 443, depends_on: [storage] }
  - { slug: blobs, name: Blob reads, group: Registry, kind: tcp, host: r.test, port: 443, depends_on: [storage] }
  - { slug: layers, name: Layer reads, group: Registry, kind: tcp, host: r.test, port: 443, depends_on: [blobs] }
  - { slug: web, name: Web app, group: Web, kind: tcp, host: w.test, port: 443 }
`;
const DEPENDANTS = ["pull-1", "pull-2", "pull-3", "mirror", "blobs", "layers"];

describe(`monitor dependencies on ${testProvider()}`, () => {
  let t: TempDb;
  let ids: Record<string, number>;
  let states: Map<number, LiveState>;
  let base: number;

  async function setup(): Promise<void> {
    t = await createTempDb();
    const report = await syncConfig(t.db, parseConfig(CONFIG, "deps.yaml", {}));
    ids = Object.fromEntries(report.monitors.map((m) => [m.def.slug, m.id]));
    states = new Map(report.monitors.map((m) => [m.id, { hysteresis: INITIAL_STATE, lastSlot: null, confirm: { down: 2, up: 2 } }]));
    await t.db.notificationChannel.create({
      data: { name: "oncall", kind: "webhook", config: { url: "http://127.0.0.1:9/", secret: "x".repeat(32) }, onCall: true },
    });
    await t.db.subscriber.create({ data: { email: "reader@example.com", confirmedAt: new Date(), unsubscribeTokenHash: "u1" } });
    base = Date.now() - 40 * MIN - ((Date.now() - 40 * MIN) % MIN);
  }
  afterEach(async () => t?.cleanup());

  /** One slot's results for these monitors, written as one batch (one transaction), as the agent would. */
  async function write(slot: number, statuses: Record<string, Observed>): Promise<void> {
    const writer = resultWriter(t.db, states);
    for (const [slug, status] of Object.entries(statuses)) {
      writer.push({
        monitorId: ids[slug],
        region: "default",
        slot: base + slot * MIN,
        latenessMs: 1,
        result: {
          status,
          phases: { totalMs: 20 },
          details: {},
          ...(status === "down" ? { errorClass: "connect" as const, error: "ECONNREFUSED" } : {}),
        },
      });
    }
    await writer.flush();
  }
  const all = (status: Observed, slugs: string[]) => Object.fromEntries(slugs.map((s) => [s, status])) as Record<string, Observed>;
  const automate = (slot: number) =>
    handleStateChanges(t.db, DEFAULT_INCIDENT_POLICY, { now: () => new Date(base + slot * MIN + 5000), env });
  const outboxKinds = async () => (await t.db.outbox.findMany({ select: { eventKey: true } })).map((r) => r.eventKey.split(":")[0]).sort();
  const publicText = async () => {
    const incidents = await t.db.incident.findMany({ include: { updates: true } });
    const outbox = await t.db.outbox.findMany({ where: { target: { startsWith: "subscriber:" } } });
    return JSON.stringify([incidents.map((i) => [i.title, i.updates.map((u) => u.body)]), outbox.map((o) => o.payload)]);
  };

  it("one incident titled by the root cause, dependants as affected components, notifications only for the root", async () => {
    await setup();
    for (const slot of [0, 1]) await write(slot, all("up", ["storage", "web", ...DEPENDANTS]));
    await automate(1); // the first results\' unknown → up changes
    // The dependants' outage is confirmed one batch before the storage's: the root still opens the incident.
    await write(2, all("down", DEPENDANTS));
    await write(3, all("down", DEPENDANTS));
    await write(2, { storage: "down", web: "up" });
    await write(3, { storage: "down", web: "up" });
    const first = await automate(3);
    expect(first.handled).toBe(7);
    expect(first.opened).toHaveLength(1);

    const incidents = await t.db.incident.findMany({ include: { monitors: true, updates: true } });
    expect(incidents).toHaveLength(1);
    const [inc] = incidents;
    expect(inc.title).toBe("Storage: Filebase S3 down; 6 dependent checks affected");
    expect(inc.startedAt.getTime()).toBe(base + 2 * MIN);
    expect(inc.monitors).toHaveLength(7);
    for (const slug of DEPENDANTS) expect(inc.monitors.find((m) => m.monitorId === ids[slug])?.dependencyId).toBe(ids.storage);
    expect(inc.monitors.find((m) => m.monitorId === ids.storage)?.dependencyId).toBeNull();
    // The first update names the root cause first, then each dependant with it.
    expect(inc.updates).toHaveLength(1);
    expect(inc.updates[0].body.split("\n").filter((l) => l.startsWith("- "))[0]).toMatch(/^- Filebase S3 is not responding as expected/);
    expect(inc.updates[0].body).toContain("Pull one is not responding as expected since");
    expect(inc.updates[0].body).toContain("(dependency down: Filebase S3)");

    // Notifications: one "opened" event, to the channel and the subscriber, and nothing of the dependants' own.
    expect(await outboxKinds()).toEqual(["incident.opened", "incident.opened"]);

    // The dependants' state changes carry the reason; the monitor page shows it.
    const marked = await t.db.stateChange.findMany({ where: { dependencyId: ids.storage } });
    expect(marked.map((c) => c.monitorId).sort()).toEqual(DEPENDANTS.map((s) => ids[s]).sort());
    const page = await getMonitorPage(t.db, "layers");
    expect(page?.stateChanges[0]).toMatchObject({ from: "up", to: "down", dependency: { name: "Filebase S3" } });
    expect(page?.incidents.map((i) => i.id)).toEqual([inc.id]);
    const html = renderToStaticMarkup(createElement(MonitorDetail, { page: page!, publicUrl: null, tr: translator("en") }));
    expect(html).toContain('data-testid="dependency-down">dependency down: Filebase S3<');
    // A hidden dependency is not named on a public page.
    await t.db.monitor.update({ where: { id: ids.storage }, data: { isPublic: false } });
    const hiddenRoot = await getMonitorPage(t.db, "layers");
    expect(hiddenRoot?.stateChanges[0].dependency).toEqual({ name: null });
    expect(renderToStaticMarkup(createElement(MonitorDetail, { page: hiddenRoot!, publicUrl: null, tr: translator("en") }))).toContain(
      "dependency down: an internal check",
    );
    await t.db.monitor.update({ where: { id: ids.storage }, data: { isPublic: true } });

    // Their downtime still counts: the users could not pull.
    const uptime = await uptimeForAll(t.db, { monitorIds: [ids["pull-1"], ids.web] });
    expect(uptime.get(ids["pull-1"])!["24h"]).toMatchObject({ up: 2, down: 2 });
    expect(uptime.get(ids.web)!["24h"]).toMatchObject({ up: 4, down: 0 });

    // The hidden dependant is counted, never named.
    expect(await publicText()).not.toContain(HIDDEN);
    expect(await publicText()).toContain("An internal check");

    // More failed slots, then storage and all but pull-3 recover together; pull-3 stays down.
    await write(4, all("down", ["storage", ...DEPENDANTS]));
    for (const slot of [5, 6]) {
      await write(slot, { ...all("up", ["storage", ...DEPENDANTS.filter((s) => s !== "pull-3")]), "pull-3": "down" });
    }
    const second = await automate(6);
    expect(second.resolved).toEqual([inc.id]);
    expect(second.opened).toHaveLength(1);
    const own = await t.db.incident.findUniqueOrThrow({ where: { id: second.opened[0] }, include: { monitors: true, updates: true } });
    expect(own.title).toBe("Pull three is down");
    expect(own.monitors.map((m) => [m.monitorId, m.dependencyId])).toEqual([[ids["pull-3"], null]]);
    expect(own.startedAt.getTime()).toBe(base + 2 * MIN);
    expect(own.updates[0].body).toContain("Filebase S3, which it depends on, is back since");
    const root = await t.db.incident.findUniqueOrThrow({ where: { id: inc.id }, include: { updates: { orderBy: { id: "asc" } } } });
    expect(root.status).toBe("resolved");
    expect(root.updates.map((u) => u.body).join("\n")).toContain("Pull three is still failing after Filebase S3 recovered");
    // The root's resolution and the dependant's own opening, each to both targets.
    expect(await outboxKinds()).toEqual([
      "incident.opened",
      "incident.opened",
      "incident.opened",
      "incident.opened",
      "incident.resolved",
      "incident.resolved",
    ]);
    expect(await publicText()).not.toContain(HIDDEN);
  });

  it("a dependant whose recovery is already stored when its root recovers stays and resolves with it", async () => {
    await setup();
    for (const slot of [0, 1]) await write(slot, all("up", ["storage", "pull-1"]));
    await automate(1); // the first results' unknown → up changes
    for (const slot of [2, 3]) await write(slot, all("down", ["storage", "pull-1"]));
    await automate(3);
    // Storage's recovery is written first; the pull's, a slot later, after it.
    for (const slot of [4, 5]) await write(slot, { storage: "up" });
    await write(4, { "pull-1": "down" });
    for (const slot of [5, 6]) await write(slot, { "pull-1": "up" });
    const r = await automate(6);
    expect(r.opened).toEqual([]);
    expect(r.resolved).toHaveLength(1);
    expect(await t.db.incident.count()).toBe(1);
    expect(await outboxKinds()).toEqual(["incident.opened", "incident.opened", "incident.resolved", "incident.resolved"]);
  });

  it("a dependant confirmed while its dependency is failing but not yet confirmed waits for it", async () => {
    await setup();
    for (const slot of [0, 1]) await write(slot, all("up", ["storage", "pull-1", "pull-2"]));
    await automate(1); // the first results\' unknown → up changes
    await write(2, all("down", ["storage", "pull-1", "pull-2"]));
    await write(3, all("down", ["pull-1", "pull-2"]));
    // Storage has one failed check, not yet confirmed: the dependants' changes wait.
    const waiting = await automate(3);
    expect(waiting).toMatchObject({ handled: 0, opened: [], more: false });
    expect(await t.db.incident.count()).toBe(0);
    expect(await t.db.stateChange.count({ where: { handledAt: null } })).toBe(2);
    await write(3, { storage: "down" });
    const r = await automate(3.5);
    expect(r.handled).toBe(3);
    const incidents = await t.db.incident.findMany({ include: { monitors: true } });
    expect(incidents).toHaveLength(1);
    expect(incidents[0].title).toBe("Storage: Filebase S3 down; 2 dependent checks affected");
    expect(await outboxKinds()).toEqual(["incident.opened", "incident.opened"]);
  });

  it("a dependency that only blips does not hold its dependants' incident", async () => {
    await setup();
    for (const slot of [0, 1]) await write(slot, all("up", ["storage", "pull-1"]));
    await automate(1); // the first results\' unknown → up changes
    await write(2, all("down", ["storage", "pull-1"]));
    await write(3, { storage: "up", "pull-1": "down" });
    const r = await automate(3);
    expect(r.opened).toHaveLength(1);
    const inc = await t.db.incident.findFirstOrThrow({ include: { monitors: true } });
    expect(inc.title).toBe("Pull one is down");
    expect(inc.monitors[0].dependencyId).toBeNull();
    expect(await outboxKinds()).toEqual(["incident.opened", "incident.opened"]);
  });

  it("a dependant failing after its root's incident opened joins it quietly, and its recovery is quiet too", async () => {
    await setup();
    for (const slot of [0, 1]) await write(slot, all("up", ["storage", "pull-1", "web"]));
    await automate(1); // the first results\' unknown → up changes
    for (const slot of [2, 3]) await write(slot, { storage: "down", "pull-1": "up", web: "up" });
    await automate(3);
    expect(await outboxKinds()).toEqual(["incident.opened", "incident.opened"]);
    for (const slot of [4, 5]) await write(slot, { storage: "down", "pull-1": "down" });
    const joined = await automate(5);
    expect(joined.joined).toHaveLength(1);
    for (const slot of [6, 7]) await write(slot, { storage: "down", "pull-1": "up" });
    await automate(7);
    const inc = await t.db.incident.findFirstOrThrow({ include: { updates: true } });
    expect(inc.title).toBe("Storage: Filebase S3 down; 1 dependent check affected");
    expect(inc.updates.length).toBe(2);
    // Still only the root's opening: the dependant's joining is on the timeline, not sent.
    expect(await outboxKinds()).toEqual(["incident.opened", "incident.opened"]);
  });
});

// Regional mode: three regions' checks, decided by quorum on PostgreSQL; the confirmed states the
// automation reads are the decided ones (region "quorum").
describe.runIf(testProvider() === "postgresql")("monitor dependencies with regions and quorum", () => {
  let t: TempDb;
  afterEach(async () => t?.cleanup());
  const REGIONS = ["eu-west", "us-east", "ap-south"];

  it("a storage outage seen by a quorum is the root cause; one region's failure of it is not", async () => {
    t = await createTempDb("postgresql");
    const cfg = parseConfig(
      `monitors:
  - { slug: storage, name: Filebase S3, group: Storage, kind: tcp, host: s3.test, port: 443, regions: [eu-west, us-east, ap-south], quorum: 2 }
  - { slug: pull, name: Image pull, group: Registry, kind: tcp, host: r.test, port: 443, depends_on: [storage] }
  - { slug: layers, name: Layer reads, group: Registry, kind: tcp, host: r.test, port: 443, depends_on: [pull] }
`,
      "regions.yaml",
      {},
    );
    const ids = Object.fromEntries((await syncConfig(t.db, cfg)).monitors.map((m) => [m.def.slug, m.id]));
    await t.db.notificationChannel.create({
      data: { name: "oncall", kind: "webhook", config: { url: "http://127.0.0.1:9/", secret: "x".repeat(32) }, onCall: true },
    });
    const now = Date.now();
    for (const r of REGIONS) await heartbeat(t.db, `agent-${r}`, r, now);
    const base = now - 30 * MIN - ((now - 30 * MIN) % MIN);
    async function slot(n: number, statuses: Record<string, Record<string, string>>): Promise<void> {
      for (const [slug, byRegion] of Object.entries(statuses))
        for (const [region, status] of Object.entries(byRegion))
          await t.db.regionCheck.create({
            data: {
              monitorId: ids[slug],
              slot: new Date(base + n * MIN),
              region,
              agentId: `agent-${region}`,
              latenessMs: 1,
              status,
              totalMs: 20,
            },
          });
      while ((await decideSlots(t.db, { agentAliveMs: 3_600_000 }, now)).more);
    }
    const every = (status: string) => Object.fromEntries(REGIONS.map((r) => [r, status]));
    const automate = () => handleStateChanges(t.db, DEFAULT_INCIDENT_POLICY, { now: () => new Date(now), env });
    for (const n of [0, 1]) await slot(n, { storage: every("up"), pull: every("up"), layers: every("up") });
    await automate();

    // Storage fails in one region only: no quorum, so not down; the pull's outage is its own.
    for (const n of [2, 3]) await slot(n, { storage: { ...every("up"), "ap-south": "down" }, pull: every("down"), layers: every("up") });
    const own = await automate();
    expect(own.opened).toHaveLength(1);
    expect((await t.db.incident.findFirstOrThrow()).title).toBe("Image pull is down");
    for (const n of [4, 5]) await slot(n, { storage: every("up"), pull: every("up"), layers: every("up") });
    expect((await automate()).resolved).toHaveLength(1);

    // Storage fails in two of three regions: down by quorum, and the root cause of both, transitively.
    for (const n of [6, 7]) await slot(n, { storage: { ...every("down"), "us-east": "up" }, pull: every("down"), layers: every("down") });
    const r = await automate();
    expect(r.opened).toHaveLength(1);
    const inc = await t.db.incident.findUniqueOrThrow({ where: { id: r.opened[0] }, include: { monitors: true } });
    expect(inc.title).toBe("Storage: Filebase S3 down; 2 dependent checks affected");
    expect(
      inc.monitors
        .filter((m) => m.dependencyId === ids.storage)
        .map((m) => m.monitorId)
        .sort(),
    ).toEqual([ids.pull, ids.layers].sort());
    const changes = await t.db.stateChange.findMany({ where: { dependencyId: ids.storage } });
    expect(changes.map((c) => c.region)).toEqual(["quorum", "quorum"]);
    // The pull's own incident earlier (opened, resolved), then only the root's opening.
    expect((await t.db.outbox.findMany({ orderBy: { id: "asc" } })).map((o) => o.eventKey.split(":")[0])).toEqual([
      "incident.opened",
      "incident.resolved",
      "incident.opened",
    ]);
  });
});
