// A heartbeat monitor as a reader sees it in Chromium: up while its job pings, down on the public
// pages once the pings stop (every 2 s, grace 1 s), with the real web process and agent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { startAgent, writeConfig, type AgentProcess } from "../helpers/agent-process";
import { launchBrowser } from "../helpers/browser";
import { missing } from "../helpers/external-parts";

describe.skipIf(missing("chromium"))("a heartbeat monitor going down on the public page when its pings stop", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let agent: AgentProcess;
  let browser: Browser;
  let token = "";
  let pinging: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    t = await createTempDb("sqlite");
    const config = writeConfig(t.dir, [
      { slug: "nightly-gc", name: "Garbage collection", group: "Jobs", kind: "heartbeat", every: "2s", grace: "1s" },
    ]);
    web = await startWeb(t.url);
    agent = startAgent(t.url, config);
    await agent.waitFor(/started in region/, 60_000);
    token = (await t.db.heartbeatToken.findFirstOrThrow()).generated!;
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    clearInterval(pinging);
    await browser?.close();
    agent?.child.kill("SIGTERM");
    await agent?.exited;
    await web?.stop();
    await t?.cleanup();
  });

  /** The monitor page's status class, loaded again on every poll (the page does not change in place). */
  async function statusOf(page: Page): Promise<string | null> {
    await page.goto(`${web.url}/monitors/nightly-gc`);
    return page.getAttribute("[data-testid=monitor-status]", "class");
  }

  it("is up while pings arrive, and down on the monitor page and the home page once they stop", async () => {
    const ping = () =>
      void fetch(`${web.url}/ping/${token}`).then(
        (r) => r.arrayBuffer(),
        () => {},
      );
    ping();
    pinging = setInterval(ping, 1_000);
    const page = await browser.newPage();
    // Before its first ping it claims nothing; then the pings make it operational.
    await expect.poll(() => statusOf(page), { timeout: 20_000, interval: 500 }).toBe("status operational");
    // The home page is served from the page caches, up to a few seconds old (README, "Freshness with speed").
    await expect
      .poll(
        async () => {
          await page.goto(`${web.url}/`);
          return page.textContent("body");
        },
        { timeout: 15_000, interval: 500 },
      )
      .toContain("Garbage collection");

    clearInterval(pinging);
    const stoppedAt = Date.now();
    await expect.poll(() => statusOf(page), { timeout: 20_000, interval: 500 }).toBe("status major_outage");
    // Due 2 s after the last ping, judged after the 1 s grace and 2 s of settling, shown within the page caches' few seconds.
    expect(Date.now() - stoppedAt).toBeGreaterThan(2_000);
    await expect
      .poll(
        async () => {
          await page.goto(`${web.url}/`);
          return page.textContent("[data-testid=overall]");
        },
        { timeout: 15_000, interval: 500 },
      )
      .not.toMatch(/operational/i);
    const body = (await page.textContent("body"))!;
    expect(body).not.toContain(token);
    await page.screenshot({ path: "tests/e2e/screenshots/heartbeat-outage.png" });
  });
});
