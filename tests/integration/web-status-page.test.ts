import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { fetchUntil, startWeb } from "../helpers/web-process";
import { parseConfig } from "@/monitors/config/load";
import { syncConfig } from "@/monitors/store/config-sync";
import { resultWriter, type ResultWriter } from "@/monitors/store/result-writer";
import { loadLiveStates } from "@/monitors/store/live-states";
import { levelsFromGradient } from "@/monitors/presentation/bar-encoding";

describe("web process serves the status page, monitor pages and badges from the database", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let writer: ResultWriter;
  let apiId: number;

  beforeAll(async () => {
    t = await createTempDb();
    const cfg = parseConfig(
      JSON.stringify({
        groups: ["Registry", "Storage"],
        monitors: [
          { slug: "api", name: "Registry API", group: "Registry", kind: "tcp", host: "127.0.0.1", port: 9, show_target: true },
          { slug: "skynet", name: "Skynet portal", group: "Storage", kind: "tcp", host: "127.0.0.1", port: 9 },
          { slug: "internal-db", name: "Internal DB", group: "Registry", kind: "tcp", host: "10.1.2.3", port: 5432, public: false },
        ],
      }),
      "c.yaml",
      {},
    );
    const report = await syncConfig(t.db, cfg);
    const states = await loadLiveStates(t.db, report.monitors);
    writer = resultWriter(t.db, states);
    const id = (slug: string) => report.monitors.find((m) => m.def.slug === slug)!.id;
    apiId = id("api");
    const now = Date.now() - 10 * 60_000;
    for (let i = 0; i < 10; i++) {
      const slot = now + i * 60_000;
      writer.push({
        monitorId: id("api"),
        region: "default",
        slot,
        latenessMs: 0,
        result: { status: "up", phases: { totalMs: 42 }, details: {} },
      });
      writer.push({
        monitorId: id("skynet"),
        region: "default",
        slot,
        latenessMs: 0,
        result: { status: i < 2 ? "up" : "down", phases: { totalMs: 10 }, details: {}, errorClass: "connect", error: "ECONNREFUSED" },
      });
    }
    await writer.flush();
    web = await startWeb(t.url);
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
    await t.cleanup();
  });

  it("shows the overall status, groups in config order, and one row per public monitor", async () => {
    // React separates adjacent text with <!-- --> markers; they are not content.
    const html = (await fetchUntil(`${web.url}/`, (b) => b.includes('data-monitor="skynet"') && b.includes("Major outage"))).replace(
      /<!-- -->/g,
      "",
    );
    expect(html).toMatch(/data-testid="overall">Major outage</);
    expect(html).toMatch(/<title[^>]*>OpenRegistry status: Major outage<\/title>/);
    expect(html).toContain('href="/favicon-major_outage.svg"');
    expect(html.indexOf(">Registry<")).toBeLessThan(html.indexOf(">Storage<"));
    // (" uptime (24h)" after each figure is CSS's)
    expect(html).toMatch(/data-monitor="api".*?class="u u-24h">100%<.*?last 42 ms.*?class="status operational"/);
    // 2 up, then 8 down confirmed from the first failure: 20% uptime
    expect(html).toMatch(/data-monitor="skynet".*?class="u u-24h">20\.00%<.*?>Down</);
    // The bars' picture (its gradient stops) carries every day's level.
    const levels = [...html.matchAll(/role="slider"[^>]*style="--g:([^"]+)"/g)].map((m) => levelsFromGradient(m[1], 90));
    expect(levels.map((l) => l.length)).toEqual([90, 90]);
    expect(levels[0].slice(0, 88).every((l) => l === "nodata")).toBe(true);
    expect(levels[0][89]).toBe("ok");
    expect(["minor", "major", "severe"]).toContain(levels[1][89]);
    expect(html.match(/role="slider"/g)?.length).toBe(2);
    expect(html).not.toContain("Internal DB");
    expect(html).not.toContain("10.1.2.3");
  });

  it("serves a monitor page with all uptime windows and an embed box; hidden monitors 404", async () => {
    const html = await fetchUntil(`${web.url}/monitors/api`, (b) => b.includes('data-window="1y"'));
    expect(html).toMatch(/data-window="1y".*?100%/);
    expect(html).toContain("/badge/api/status.svg)](");
    // The chart itself loads in the browser when it scrolls into view (tests/e2e/page-weight.test.ts).
    expect(html).toContain('data-testid="chart-slot"');
    expect(html).toContain("https://img.shields.io/endpoint?url=");
    expect((await fetch(`${web.url}/monitors/internal-db`)).status).toBe(404);
    // show_target: true shows what is checked; without it, nothing about the target is public.
    expect(html).toMatch(/data-testid="target">Checks <code>127\.0\.0\.1:9<\/code>/);
    const skynet = await fetchUntil(`${web.url}/monitors/skynet`, (b) => b.includes('data-window="1y"'));
    expect(skynet).not.toContain('data-testid="target"');
    expect(skynet).not.toContain("ECONNREFUSED");
  });

  it("serves badges with cache headers, ETag and 304 through the real server", async () => {
    const r = await fetch(`${web.url}/badge/api/status.svg`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(r.headers.get("cache-control")).toBe("public, max-age=60, s-maxage=60, stale-while-revalidate=300");
    const etag = r.headers.get("etag")!;
    expect(await r.text()).toContain("<title>Registry API: up</title>");
    const again = await fetch(`${web.url}/badge/api/status.svg`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect((await fetch(`${web.url}/badge/internal-db/status.svg`)).status).toBe(404);
    expect((await fetch(`${web.url}/badge/api/uptime.svg?window=2w`)).status).toBe(400);
    const overall = await fetch(`${web.url}/badge/status.json`);
    expect(await overall.json()).toMatchObject({ schemaVersion: 1, label: "status", message: "major outage" });
  });

  it("the first visitor after a quiet spell sees the current state, not a stale page", async () => {
    await fetchUntil(`${web.url}/`, (b) => b.includes('data-monitor="api"'));
    // Let any regeneration those requests started finish, so the cached page predates the outage.
    await new Promise((r) => setTimeout(r, 1500));
    await fetch(`${web.url}/`);
    await new Promise((r) => setTimeout(r, 1500));
    // The API monitor fails twice (a confirmed outage), while nobody looks at the page.
    const last = (await t.db.monitorState.findUniqueOrThrow({ where: { monitorId: apiId } })).lastSlot!.getTime();
    for (const slot of [last + 60_000, last + 120_000]) {
      writer.push({
        monitorId: apiId,
        region: "default",
        slot,
        latenessMs: 0,
        result: { status: "down", phases: { totalMs: 5 }, details: {}, errorClass: "connect", error: "ECONNREFUSED" },
      });
    }
    await writer.flush();
    await new Promise((r) => setTimeout(r, 9000));
    const html = await (await fetch(`${web.url}/`)).text();
    // The first status cell after the API monitor's row starts is that monitor's.
    expect(/data-monitor="api".*?class="status ([a-z_]+)"/.exec(html)?.[1]).toBe("major_outage");
  }, 30_000);
});
