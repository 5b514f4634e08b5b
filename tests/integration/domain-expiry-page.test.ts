import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { fetchUntil, startWeb } from "../helpers/web-process";
import { startRdapServer } from "../helpers/rdap-server";
import { parseConfig } from "@/monitors/config/load";
import { syncConfig } from "@/monitors/store/config-sync";
import { loadLiveStates } from "@/monitors/store/live-states";
import { resultWriter } from "@/monitors/store/result-writer";
import { runProbe } from "@/monitors/probes/run-probe";
import { handleBadgeRequest } from "@/monitors/badges/badge-response";
import { getMonitorPage } from "@/monitors/queries/monitor-page";

/** The badge SVG's accessible title, "label: message", after checking the SVG parses. */
function svgTitle(svg: string): string {
  expect(XMLValidator.validate(svg)).toBe(true);
  return String(new XMLParser({ ignoreAttributes: false }).parse(svg).svg.title);
}

describe("domain expiry on the monitor page and the expiry badge", () => {
  let t: TempDb;
  let rdap: Awaited<ReturnType<typeof startRdapServer>>;
  let web: Awaited<ReturnType<typeof startWeb>> | undefined;
  let expiresAt: string;
  const badge = (slug: string, file = "expiry.svg") =>
    handleBadgeRequest(t.db, slug, file, new URL(`http://status.test/badge/${slug}/${file}`), null);

  beforeAll(async () => {
    t = await createTempDb();
    rdap = await startRdapServer();
    const domain = (slug: string, name: string) => ({
      slug,
      name: slug,
      group: "Registry",
      kind: "domain",
      domain: name,
      rdap_url: `${rdap.url}/rdap/`,
    });
    const cfg = parseConfig(
      JSON.stringify({
        monitors: [
          { ...domain("dom", "valid.test"), show_target: true },
          domain("dom-soon", "soon.test"),
          domain("dom-expired", "expired.test"),
          domain("dom-new", "never-checked.test"),
          { slug: "api", name: "API", kind: "tcp", host: "127.0.0.1", port: 9 },
        ],
      }),
      "d.yaml",
      {},
    );
    const report = await syncConfig(t.db, cfg);
    const writer = resultWriter(t.db, await loadLiveStates(t.db, report.monitors));
    // The real probe against the loopback RDAP server, its result stored as the agent stores it.
    const slot = Date.now() - 60_000;
    for (const m of report.monitors.filter((m) => m.def.kind === "domain" && m.def.slug !== "dom-new")) {
      const result = await runProbe(m.def);
      if (m.def.slug === "dom") expiresAt = result.details.expiresAt as string;
      writer.push({ monitorId: m.id, region: "default", slot, latenessMs: 0, result });
    }
    await writer.flush();
  }, 60_000);

  afterAll(async () => {
    await web?.stop();
    await rdap?.close();
    await t?.cleanup();
  });

  it("the expiry badge shows the days left, coloured by the monitor's thresholds; no data before a check; 404 for other kinds", async () => {
    const ok = await badge("dom");
    expect(ok.status).toBe(200);
    expect(svgTitle(ok.body)).toBe("domain expiry: 399 days");
    expect(JSON.parse((await badge("dom", "expiry.json")).body)).toMatchObject({
      label: "domain expiry",
      message: "399 days",
      color: "brightgreen",
    });
    expect(JSON.parse((await badge("dom-soon", "expiry.json")).body)).toMatchObject({ message: "9 days", color: "yellow" });
    expect(JSON.parse((await badge("dom-expired", "expiry.json")).body)).toMatchObject({ message: "expired", color: "red" });
    expect(JSON.parse((await badge("dom-new", "expiry.json")).body)).toMatchObject({ message: "no data", color: "lightgrey" });
    const tcp = await badge("api");
    expect(tcp.status).toBe(404);
    expect(svgTitle(tcp.body)).toBe("monitor: not found");
    expect((await badge("nope")).status).toBe(404);
  });

  it("the monitor page's query carries the expiry read by the newest check; null before one and for other kinds", async () => {
    const page = await getMonitorPage(t.db, "dom");
    expect(page?.domainExpiry).toMatchObject({ daysLeft: 399, warnDays: 30, level: "ok", expiresAt: new Date(expiresAt) });
    expect((await getMonitorPage(t.db, "dom-soon"))?.domainExpiry).toMatchObject({ daysLeft: 9, level: "warn" });
    expect((await getMonitorPage(t.db, "dom-new"))?.domainExpiry).toBeNull();
    expect((await getMonitorPage(t.db, "api"))?.domainExpiry).toBeNull();
  });

  it("the web process shows the expiry date and days left on the page, and serves the badge", async () => {
    web = await startWeb(t.url);
    const html = (await fetchUntil(`${web.url}/monitors/dom`, (b) => b.includes('data-testid="domain-expiry"'))).replace(/<!-- -->/g, "");
    const line = /<p[^>]*data-testid="domain-expiry"[^>]*>(.*?)<\/p>/.exec(html)?.[1] ?? "";
    expect(line).toContain(`<time dateTime="${expiresAt}"`);
    expect(line).toMatch(/^Domain registration expires <time[^>]*>[^<]+<\/time> · 399 days left · read from RDAP <time/);
    expect(html).toMatch(/data-testid="target">Checks <code>valid\.test \(RDAP at http:\/\/127\.0\.0\.1:\d+\/rdap\/\)<\/code>/);
    const expired = (await fetchUntil(`${web.url}/monitors/dom-expired`, (b) => b.includes('data-testid="domain-expiry"'))).replace(
      /<!-- -->/g,
      "",
    );
    expect(expired).toMatch(/data-testid="domain-expiry" data-level="expired">Domain registration expired <time/);
    const fresh = await fetchUntil(`${web.url}/monitors/dom-new`, (b) => b.includes('data-window="1y"'));
    expect(fresh).not.toContain('data-testid="domain-expiry"');
    const r = await fetch(`${web.url}/badge/dom/expiry.svg`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("<title>domain expiry: 399 days</title>");
    expect((await fetch(`${web.url}/badge/api/expiry.svg`)).status).toBe(404);
  }, 300_000);
});
