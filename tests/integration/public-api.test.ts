import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { missing } from "../helpers/external-parts";
import { seedPublicFixture } from "../helpers/public-fixture";
import { statuspageV2, STATUSPAGE_ENDPOINTS } from "@/monitors/api/statuspage-v2";
import { atomFeed, rssFeed } from "@/monitors/api/feeds";
import { prometheusMetrics } from "@/monitors/api/prometheus-metrics";
import { schemas } from "../helpers/statuspage-schema";
import { getStatusPage } from "@/monitors/queries/status-page";

const BASE = "https://status.openregistry.test";

describe("machine-readable surfaces", () => {
  let t: TempDb;
  let fx: Awaited<ReturnType<typeof seedPublicFixture>>;
  const now = Date.now();

  beforeAll(async () => {
    t = await createTempDb();
    fx = await seedPublicFixture(t.db, now);
  });
  afterAll(async () => t.cleanup());

  const get = (e: (typeof STATUSPAGE_ENDPOINTS)[number]) => statuspageV2(e, { db: t.db, baseUrl: BASE, now });

  it("every Statuspage v2 endpoint matches the schema written from Atlassian's documentation", async () => {
    for (const e of STATUSPAGE_ENDPOINTS) {
      const body = await get(e);
      const r = schemas[e].safeParse(body);
      expect(r.success, `${e}: ${r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`).toBe(true);
    }
  });

  it("summary.json carries the right statuses, indicator, incidents and maintenance", async () => {
    const s = (await get("summary")) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const byId = Object.fromEntries(s.components.map((c: { id: string }) => [c.id, c]));
    expect(byId["registry-api"].status).toBe("operational");
    expect(byId.skynet.status).toBe("major_outage");
    expect(byId["web-app"].status).toBe("under_maintenance");
    expect(byId["group-storage"]).toMatchObject({ group: true, status: "major_outage", components: ["skynet"] });
    expect(byId.skynet.group_id).toBe("group-storage");
    expect(s.status).toEqual({ indicator: "major", description: "Partial System Outage" });
    expect(s.incidents.map((i: { name: string }) => i.name)).toEqual(["Skynet portal unreachable"]);
    expect(s.incidents[0].incident_updates[0].status).toBe("identified");
    expect(s.incidents[0].shortlink).toBe(`${BASE}/incidents/${fx.active.id}`);
    expect(s.scheduled_maintenances.map((m: { name: string; status: string }) => [m.name, m.status])).toEqual([
      ["Web app deploy", "in_progress"],
      ["Registry database upgrade", "scheduled"],
    ]);
    const upcoming = (await get("scheduled-maintenances/upcoming")) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(upcoming.scheduled_maintenances).toHaveLength(1);
    const incidents = (await get("incidents")) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(incidents.incidents.map((i: { name: string }) => i.name)).toEqual(["Skynet portal unreachable", "Slow manifest fetches"]);
  });

  it("component groups and monitors can declare an objective: month uptime and error budget", async () => {
    const page = await getStatusPage(t.db, now);
    const registry = page.groups.find((g) => g.name === "Registry")!;
    expect(registry.slo).toMatchObject({ objectivePercent: 99.5, monthRatio: 1, spentMinutes: 0 });
    // The budget is earned over observed minutes only, for the group and for each monitor alike.
    const observed = registry.slo!.observedMinutes;
    expect(observed).toBeGreaterThan(0);
    expect(registry.slo!.budgetMinutes).toBe(Math.round(0.005 * observed));
    expect(page.groups.find((g) => g.name === "Storage")!.slo).toBeNull();
    const api = registry.monitors.find((m) => m.slug === "registry-api")!;
    expect(api.slo).toMatchObject({ objectivePercent: 98, monthRatio: 1 });
    expect(api.slo!.observedMinutes).toBeGreaterThan(0);
    expect(api.slo!.observedMinutes).toBeLessThanOrEqual(observed);
    expect(api.slo!.leftMinutes).toBe(Math.round(0.02 * api.slo!.observedMinutes));
  });

  it("hidden monitors, their incidents and internal hostnames appear nowhere public", async () => {
    const everything =
      JSON.stringify(await Promise.all(STATUSPAGE_ENDPOINTS.map(get))) +
      (await atomFeed(t.db, BASE, now)) +
      (await rssFeed(t.db, BASE, now)) +
      (await prometheusMetrics(t.db, { includeHidden: false, now })) +
      JSON.stringify(await getStatusPage(t.db, now));
    for (const secret of ["db-primary", "Hidden database", "Hidden database failover", "internal.test", "timeout connecting"])
      expect(everything).not.toContain(secret);
    // the metrics token shows them to the operator's scraper
    expect(await prometheusMetrics(t.db, { includeHidden: true, now })).toContain('monitor="db-primary"');
  });

  it("Atom 1.0 and RSS 2.0 feeds are valid, complete and escaped", async () => {
    const atom = await atomFeed(t.db, BASE, now);
    expect(XMLValidator.validate(atom)).toBe(true);
    const a = new XMLParser({ ignoreAttributes: false }).parse(atom).feed;
    expect(a["@_xmlns"]).toBe("http://www.w3.org/2005/Atom");
    for (const field of ["id", "title", "updated", "link", "author"]) expect(a[field]).toBeDefined();
    const entries = [a.entry].flat();
    expect(entries).toHaveLength(4); // 2 public incidents + 2 maintenance windows
    for (const e of entries) for (const field of ["id", "title", "updated", "link", "content"]) expect(e[field]).toBeDefined();
    expect(atom).not.toContain("<script>");
    expect(atom).toContain("&lt;p&gt;");

    const rss = await rssFeed(t.db, BASE, now);
    expect(XMLValidator.validate(rss)).toBe(true);
    const r = new XMLParser({ ignoreAttributes: false }).parse(rss).rss;
    expect(r["@_version"]).toBe("2.0");
    for (const field of ["title", "link", "description"]) expect(r.channel[field]).toBeDefined();
    const items = [r.channel.item].flat();
    expect(items).toHaveLength(4);
    for (const i of items) {
      for (const field of ["title", "link", "guid", "pubDate", "description"]) expect(i[field]).toBeDefined();
      expect(new Date(i.pubDate).toUTCString()).toBe(i.pubDate); // RFC 822 dates
    }
  });

  it("/metrics carries each monitor's state, uptime, checks and lateness, and the web process's own gauges", async () => {
    const text = await prometheusMetrics(t.db, { includeHidden: false, now });
    expect(text).toMatch(/^openregistry_monitor_up\{monitor="registry-api",group="Registry"\} 1$/m);
    expect(text).toMatch(/^openregistry_monitor_up\{monitor="skynet",group="Storage"\} 0$/m);
    expect(text).toMatch(/^openregistry_monitor_uptime_ratio\{monitor="skynet",group="Storage",window="24h"\} 0\.75$/m);
    expect(text).toMatch(/^openregistry_monitor_checks_total\{monitor="skynet",group="Storage",status="down"\} 30$/m);
    expect(text).toMatch(/^openregistry_monitor_lateness_seconds\{monitor="registry-api",group="Registry"\} 0\.0005$/m);
    expect(text).toMatch(/^openregistry_web_event_loop_delay_p99_seconds [\d.e-]+$/m);
    expect(text).toMatch(/^openregistry_web_resident_memory_bytes \d+$/m);
  });

  it.skipIf(missing("promtool"))("/metrics is valid Prometheus text exposition (promtool check metrics)", async () => {
    const text = await prometheusMetrics(t.db, { includeHidden: false, now });
    const out = execFileSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    expect(out).toBe("");
  });
});
