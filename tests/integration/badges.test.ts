import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { parseConfig } from "@/monitors/config/load";
import { syncConfig } from "@/monitors/store/config-sync";
import { loadLiveStates } from "@/monitors/store/live-states";
import { resultWriter } from "@/monitors/store/result-writer";
import { handleBadgeRequest, BADGE_CACHE_CONTROL } from "@/monitors/badges/badge-response";
import { BADGE_STYLES } from "@/monitors/badges/badge-params";
import { uptimeForAll } from "@/monitors/queries/uptime";
import { latencyStats } from "@/monitors/queries/latency";

const MIN = 60_000;

/** The SVG's accessible title is "label: message"; returns both parts after checking the SVG parses. */
function svgText(svg: string): { label: string; message: string; texts: string[] } {
  expect(XMLValidator.validate(svg)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false }).parse(svg);
  expect(doc.svg).toBeDefined();
  const title = String(doc.svg.title);
  const i = title.indexOf(": ");
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  return { label: title.slice(0, i), message: title.slice(i + 2), texts };
}

describe("badges", () => {
  let t: TempDb;
  let ids: Record<string, number>;
  const now = Date.now();
  const get = (slug: string | null, file: string, query = "", inm: string | null = null) =>
    handleBadgeRequest(t.db, slug, file, new URL(`http://status.test/badge/${slug ?? ""}/${file}${query}`), inm, now);

  beforeAll(async () => {
    t = await createTempDb();
    const report = await syncConfig(
      t.db,
      parseConfig(
        JSON.stringify({
          monitors: [
            { slug: "registry", name: "Registry", kind: "http", url: "https://registry.test/v2/" },
            { slug: "portal", name: "Skynet portal", kind: "http", url: "https://portal.test/" },
            { slug: "secret", name: "Secret", kind: "tcp", host: "10.0.0.1", port: 22, public: false },
            { slug: "fresh", name: "Fresh", kind: "tcp", host: "127.0.0.1", port: 1 },
          ],
        }),
        "b.yaml",
        {},
      ),
    );
    ids = Object.fromEntries(report.monitors.map((m) => [m.def.slug, m.id]));
    const writer = resultWriter(t.db, await loadLiveStates(t.db, report.monitors));
    const start = now - 100 * MIN;
    for (let i = 0; i < 100; i++) {
      const slot = start + i * MIN;
      writer.push({
        monitorId: ids.registry,
        region: "default",
        slot,
        latenessMs: 0,
        result: {
          status: i >= 40 && i < 43 ? "down" : "up",
          phases: { totalMs: 80 + (i % 10) * 10 },
          details: {},
          certExpiresAt: new Date(now + 45.5 * 86_400_000),
        },
      });
      writer.push({
        monitorId: ids.portal,
        region: "default",
        slot,
        latenessMs: 0,
        result: { status: i < 95 ? "up" : "down", phases: { totalMs: 1500 }, details: {} },
      });
    }
    await writer.flush();
  });
  afterAll(async () => t.cleanup());

  it("status badge shows the confirmed state", async () => {
    const up = await get("registry", "status.svg");
    expect(up.status).toBe(200);
    expect(svgText(up.body)).toMatchObject({ label: "Registry", message: "up" });
    expect(svgText((await get("portal", "status.svg")).body).message).toBe("down");
    expect(svgText((await get("fresh", "status.svg")).body).message).toBe("no data");
  });

  it("uptime badge shows the stored uptime for each window", async () => {
    const stored = (await uptimeForAll(t.db, { monitorIds: [ids.registry] })).get(ids.registry)!;
    expect(stored["24h"].ratio).toBeCloseTo(0.97);
    for (const w of ["24h", "7d", "30d", "90d", "1y"]) {
      const r = await get("registry", "uptime.svg", `?window=${w}`);
      expect(svgText(r.body)).toEqual(expect.objectContaining({ label: `uptime ${w}`, message: "97%" }));
    }
    expect(svgText((await get("portal", "uptime.svg")).body).message).toBe("95%");
  });

  it("response badge shows the average or p95 from the rollups", async () => {
    const s = await latencyStats(t.db, ids.registry, "24h", now);
    const avg = svgText((await get("registry", "response.svg", "?window=24h")).body);
    expect(avg).toMatchObject({ label: "response avg 24h", message: `${Math.round(s.avgMs!)} ms` });
    const p95 = svgText((await get("registry", "response.svg", "?window=24h&stat=p95")).body);
    expect(p95.message).toBe(`${Math.round(s.p95Ms!)} ms`);
    expect(s.p95Ms!).toBeGreaterThan(s.avgMs!);
    expect(svgText((await get("portal", "response.svg")).body).message).toBe("1.50 s");
  });

  it("cert badge shows days left; monitors without a certificate say no data", async () => {
    expect(svgText((await get("registry", "cert.svg")).body)).toMatchObject({ label: "certificate", message: "45 days" });
    expect(svgText((await get("fresh", "cert.svg")).body).message).toBe("no data");
  });

  it("the page-wide badge shows the overall status", async () => {
    const r = await get(null, "status.svg");
    // one of the two monitors with data is down: half or more down is a major outage
    expect(svgText(r.body)).toMatchObject({ label: "status", message: "major outage" });
  });

  it("every style renders valid SVG with the same text", async () => {
    for (const style of BADGE_STYLES) {
      const r = await get("registry", "uptime.svg", `?style=${style}&window=24h`);
      expect(r.status).toBe(200);
      const text = svgText(r.body);
      expect(text.message).toBe("97%");
      if (style === "for-the-badge") expect(text.texts.join(" ")).toContain("UPTIME 24H");
    }
  });

  it("label, color and labelColor options apply", async () => {
    const r = await get("registry", "status.svg", "?label=OpenRegistry&color=ff69b4&labelColor=blue");
    expect(svgText(r.body).label).toBe("OpenRegistry");
    expect(r.body).toContain('fill="#ff69b4"');
    expect(r.body).toContain('fill="#007ec6"');
  });

  it("shields endpoint JSON follows shields' schema", async () => {
    const r = await get("registry", "uptime.json", "?window=24h");
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(r.body)).toEqual({ schemaVersion: 1, label: "uptime 24h", message: "97%", color: "yellow" });
    expect(JSON.parse((await get(null, "status.json")).body)).toMatchObject({ schemaVersion: 1, label: "status" });
  });

  it("caches for a minute with a strong ETag and answers 304 on If-None-Match", async () => {
    const r = await get("registry", "status.svg");
    expect(r.headers["cache-control"]).toBe(BADGE_CACHE_CONTROL);
    expect(r.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await get("registry", "status.svg", "", r.headers.etag);
    expect(again.status).toBe(304);
    expect(again.body).toBe("");
    expect((await get("registry", "status.svg", "", `"other", ${r.headers.etag}`)).status).toBe(304);
    expect((await get("registry", "status.svg", "", '"stale"')).status).toBe(200);
    // another option, another body, another ETag
    expect((await get("registry", "status.svg", "?style=plastic")).headers.etag).not.toBe(r.headers.etag);
  });

  it("unknown and hidden monitors get the same grey 404 badge", async () => {
    const unknown = await get("no-such-monitor", "status.svg");
    const hidden = await get("secret", "status.svg");
    expect(unknown.status).toBe(404);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toBe(unknown.body);
    expect(svgText(hidden.body)).toMatchObject({ label: "monitor", message: "not found" });
    expect(hidden.body).not.toContain("Secret");
    expect((await get("secret", "uptime.json")).body).toBe((await get("no-such-monitor", "uptime.json")).body);
    expect((await get("registry", "nope.svg")).status).toBe(404);
  });

  it("bad window, style, stat or colour answers 400 with a badge that says what is wrong", async () => {
    const cases: Array<[string, string]> = [
      ["?window=2w", "bad window"],
      ["?style=fancy", "bad style"],
      ["?stat=p42", "bad stat"],
      ["?color=notacolor", "bad color"],
      ["?labelColor=rgb(1,2,3)", "bad labelColor"],
      [`?label=${"x".repeat(65)}`, "label too long"],
    ];
    for (const [q, message] of cases) {
      const r = await get("registry", "uptime.svg", q);
      expect(r.status, q).toBe(400);
      expect(svgText(r.body).message).toBe(message);
      expect(r.headers["cache-control"]).toBe("no-store");
    }
  });

  it("no query parameter can inject markup into the SVG", async () => {
    const payloads = ['"><script>alert(1)</script>', "</text><a href='javascript:alert(1)'>x</a>", "&lt;b&gt;", "<![CDATA[x]]>"];
    for (const p of payloads) {
      const r = await get("registry", "status.svg", `?label=${encodeURIComponent(p)}`);
      expect(r.status).toBe(200);
      expect(r.body).not.toContain("<script");
      expect(r.body).not.toContain("<a href='javascript");
      expect(r.body).not.toContain("<![CDATA[");
      // escaped on the way in, so a parser reads back exactly the text that was sent
      expect(svgText(r.body).label).toBe(p);
      // colours are validated, never interpolated
      const c = await get("registry", "status.svg", `?color=${encodeURIComponent('red" onload="alert(1)')}`);
      expect(c.status).toBe(400);
      expect(c.body).not.toContain("onload");
    }
  });
});
