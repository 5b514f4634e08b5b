// The outage as a reader sees it on `/` in Chromium: the banner, the incident's scope title and its
// updates with readable UTC times (and <time datetime> for machines), a never-checked monitor that
// claims nothing, a stale one that says the checker is behind, and no hidden name anywhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { launchBrowser, seriousAxeViolations } from "../helpers/browser";
import { missing } from "../helpers/external-parts";
import { handleStateChanges } from "@/monitors/incidents/incident-automation";
import { DEFAULT_INCIDENT_POLICY } from "@/monitors/config/incident-policy";
import { utcText } from "@/monitors/core/utc-time";

describe.skipIf(missing("chromium"))("outage wording on / in headless Chromium", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  const now = Date.now();
  const failedAt = Math.floor((now - 4 * 60_000) / 60_000) * 60_000;

  beforeAll(async () => {
    t = await createTempDb();
    const monitors = [
      ["registry-api", "Registry API", "Registry", true],
      ["registry-pull", "Image pull", "Registry", true],
      ["filebase", "Filebase S3", "Storage", true],
      ["db-primary", "Secret database XYZZY", "Internal", false],
      ["canary", "Canary push", "Registry", true],
      ["docs", "Docs site", "Docs", true],
    ] as const;
    const ids: Record<string, number> = {};
    for (const [i, [slug, name, group, isPublic]] of monitors.entries()) {
      ids[slug] = (
        await t.db.monitor.create({
          data: { slug, name, group, isPublic, kind: "http", config: {}, intervalSec: 60, timeoutMs: 10_000, phaseMs: 0, sortOrder: i },
        })
      ).id;
    }
    for (const slug of ["registry-api", "registry-pull", "filebase", "db-primary"]) {
      await t.db.monitorState.create({
        data: { monitorId: ids[slug], status: "down", since: new Date(failedAt), lastSlot: new Date(now - 20_000), lastStatus: "down" },
      });
      await t.db.stateChange.create({
        data: {
          monitorId: ids[slug],
          fromStatus: "up",
          toStatus: "down",
          at: new Date(failedAt),
          confirmedAt: new Date(failedAt + 60_000),
        },
      });
    }
    // Its last result is ten minutes old: two intervals plus the timeout have long passed.
    await t.db.monitorState.create({
      data: { monitorId: ids.docs, status: "up", lastSlot: new Date(now - 10 * 60_000), lastStatus: "up" },
    });
    await handleStateChanges(t.db, DEFAULT_INCIDENT_POLICY, { now: () => new Date(failedAt + 90_000) });
    web = await startWeb(t.url);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await t?.cleanup();
  });

  it("says what was observed and only that", async () => {
    const page = await browser.newPage();
    // The first answer may be the build's empty snapshot while the page regenerates (about a second
    // after start): the page does not change in place, so each poll loads it again.
    await expect
      .poll(
        async () => {
          await page.goto(`${web.url}/`);
          return page.textContent("[data-testid=overall]");
        },
        { timeout: 15_000 },
      )
      .toContain("Major outage");
    const text = (await page.textContent("body"))!;
    // The title follows the scope: groups and counts, hidden members only counted.
    expect(text).toContain("Major outage: Registry and Storage (3 services and 1 internal check)");
    expect(text).not.toContain("XYZZY");
    expect(text).not.toContain("Internal");
    // The update names who failed and since when, in readable UTC, and machines get the instant.
    expect(text).toContain(`Registry API is not responding as expected since ${utcText(failedAt)}`);
    expect(await page.locator(`time[datetime="${new Date(failedAt).toISOString().slice(0, 16)}Z"]`).count()).toBeGreaterThan(0);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    // Never checked: no status claimed. Stale: says the checker is behind.
    const canary = page.locator("[data-monitor=canary]");
    expect(await canary.textContent()).toContain("Not checked yet");
    expect(await canary.locator(".status").textContent()).toBe("No data");
    const docs = page.locator("[data-monitor=docs]");
    expect(await docs.textContent()).toContain("the checker is behind");
    expect(await docs.locator(".status").textContent()).toBe("No recent checks");
    // The key to the bar colours is on the page.
    expect(await page.textContent(".legend")).toContain("10% or more down");
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 60_000);
});
