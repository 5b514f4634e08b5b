import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncomingHttpHeaders } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { startAgent, type AgentProcess } from "../helpers/agent-process";
import { startHttp } from "../helpers/loopback";
import { launchBrowser } from "../helpers/browser";
import { missing } from "../helpers/external-parts";
import { hashPassword } from "@/monitors/auth/password";
import { verifyWebhookSignature } from "@/monitors/notify/webhook";

const SHOTS = "tests/e2e/screenshots";
const EMAIL = "oncall@example.test";
const PASSWORD = "correct horse battery staple";
const SECRET = "0123456789abcdef0123456789abcdef"; // 32 characters
const UPDATE_BODY = "Root cause found: **disk full**";

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  verified: boolean;
  at: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when `p` settles or after `ms`, whichever comes first; true when it settled. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}

describe.skipIf(missing("chromium"))(
  "incident flow: agent opens, maintainer acknowledges and updates in the browser, webhooks follow",
  () => {
    let t: TempDb;
    let target: Awaited<ReturnType<typeof startHttp>>;
    let receiver: Awaited<ReturnType<typeof startHttp>>;
    let web: Awaited<ReturnType<typeof startWeb>> | undefined;
    let agent: AgentProcess | undefined;
    let browser: Browser | undefined;
    let context: BrowserContext;
    const received: Received[] = [];
    const t0 = Date.now();
    const mark = (what: string) => console.log(`[incident-flow] +${((Date.now() - t0) / 1000).toFixed(1)} s ${what}`);

    beforeAll(async () => {
      t = await createTempDb();
      target = await startHttp((_req, res) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("internal error");
      });
      receiver = await startHttp((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          const header = req.headers["x-status-signature"];
          received.push({
            headers: req.headers,
            raw,
            verified: verifyWebhookSignature(SECRET, typeof header === "string" ? header : undefined, raw),
            at: Date.now(),
          });
          res.writeHead(204);
          res.end();
        });
      });

      await t.db.user.create({ data: { email: EMAIL, role: "admin", passwordHash: await hashPassword(PASSWORD) } });
      await t.db.notificationChannel.create({
        data: { name: "hooks", kind: "webhook", config: { url: `${receiver.url}/hook`, secret: SECRET }, onCall: true, enabled: true },
      });

      const configFile = join(t.dir, "monitors.yaml");
      writeFileSync(
        configFile,
        stringify({
          version: 1,
          incidents: { group_window: "5m", on_recovery: "resolve", remind_every: 0 },
          monitors: [
            {
              slug: "api",
              name: "API",
              kind: "http",
              public: true,
              url: `${target.url}/health`,
              interval: "1s",
              timeout: "800ms",
              confirm: { down: 2, up: 2 },
            },
          ],
        }),
      );

      // The web first, so the agent's notifications (the ack link) can name its address.
      web = await startWeb(t.url);
      mark(`web up at ${web.url}`);
      agent = startAgent(t.url, configFile, { PUBLIC_URL: web.url });
      await agent.waitFor(/started in region/);
      mark("agent started");
      browser = await launchBrowser();
      context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    }, 180_000);

    afterAll(async () => {
      await browser?.close().catch(() => {});
      if (agent && agent.child.exitCode === null) {
        agent.child.kill("SIGTERM");
        if (!(await within(agent.exited, 10_000))) {
          agent.child.kill("SIGKILL");
          await within(agent.exited, 5_000);
        }
      }
      if (web && web.child.exitCode === null) {
        if (!(await within(web.stop(), 15_000))) {
          // start.mjs runs in its own process group (detached): end that group, the web server with it.
          try {
            process.kill(-web.child.pid!, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }
      await target?.close();
      await receiver?.close();
      await t?.cleanup();
    }, 60_000);

    /** Reloads `page` until `ready` holds, at most `timeoutMs`. */
    async function reloadUntil(page: Page, url: string, ready: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await page.goto(url, { waitUntil: "domcontentloaded" });
        if (await ready()) return;
        if (Date.now() > until)
          throw new Error(
            `${what}: not seen within ${timeoutMs} ms at ${url}; page text:\n${((await page.locator("body").textContent()) ?? "").slice(0, 1500)}`,
          );
        await page.waitForTimeout(700);
      }
    }

    /** Polls `ready` (no navigation) until it holds, at most `timeoutMs`. */
    async function until(ready: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (!(await ready())) {
        if (Date.now() > end) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
        await sleep(100);
      }
    }

    it("opens an incident from a failing monitor, acknowledges and updates it from /admin, and notifies the on-call webhook in order", async () => {
      try {
        const page = await context.newPage();

        // 4. /admin sends a visitor to the login page, which comes back to /admin.
        await page.goto(`${web!.url}/admin`, { waitUntil: "domcontentloaded" });
        expect(new URL(page.url()).pathname).toBe("/admin/login");
        await page.getByLabel("Email").fill(EMAIL);
        await page.getByLabel("Password").fill(PASSWORD);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL((u) => u.pathname === "/admin", { timeout: 10_000 });
        mark("signed in");

        const openIncident = page.locator("li[data-testid=open-incident]");
        await reloadUntil(page, `${web!.url}/admin`, async () => (await openIncident.count()) > 0, 20_000, "an open incident on /admin");
        mark("incident listed on /admin");
        expect(await openIncident.count()).toBe(1);
        await expect(openIncident.first().getAttribute("class")).resolves.toMatch(/\bunacknowledged\b/);
        expect(await openIncident.first().textContent()).toContain("not acknowledged");

        await openIncident.first().locator("a").first().click();
        await page.waitForURL(/\/admin\/incidents\/\d+$/, { timeout: 10_000 });
        const incidentId = Number(new URL(page.url()).pathname.split("/").pop());
        const title = (await page.locator("[data-testid=incident-title]").textContent())!.trim();
        expect(title).toContain("API");
        await expect(page.locator("[data-testid=incident-status]").textContent()).resolves.toBe("investigating");

        // Acknowledge.
        const ackState = page.locator("[data-testid=ack-state]");
        await expect(ackState.textContent()).resolves.toMatch(/Not acknowledged/);
        await page.getByRole("button", { name: "Acknowledge", exact: true }).click();
        await until(
          async () => ((await ackState.textContent()) ?? "").includes(`Acknowledged by ${EMAIL}`),
          10_000,
          "the acknowledgement on the editor",
        );
        expect(await page.getByRole("button", { name: "Acknowledge", exact: true }).count()).toBe(0);
        mark("acknowledged");

        // Post an "identified" update, previewing its Markdown first.
        const form = page.locator('form[data-action="incident.update"]');
        await form.getByLabel("Status").selectOption("identified");
        await form.getByLabel("Update (Markdown, public)").fill(UPDATE_BODY);
        await form.getByRole("button", { name: "Preview" }).click();
        const preview = form.locator("[data-testid=markdown-preview]");
        await preview.waitFor({ state: "visible", timeout: 10_000 });
        expect(await preview.innerHTML()).toContain("<strong>disk full</strong>");
        await form.getByRole("button", { name: "Post update" }).click();
        const updates = page.locator("li[data-testid=admin-update]");
        const identified = updates.filter({ hasText: "Root cause found" });
        await until(async () => (await identified.count()) === 1, 10_000, "the identified update in the admin timeline");
        await expect(identified.locator("strong").first().textContent()).resolves.toBe("identified");
        expect(await identified.locator(".markdown").innerHTML()).toContain("<strong>disk full</strong>");
        expect(await identified.textContent()).toContain(EMAIL);
        await until(
          async () => (await page.locator("[data-testid=incident-status]").textContent()) === "identified",
          10_000,
          "status identified on the editor",
        );
        expect(await updates.count()).toBe(2); // the automatic "investigating" one and ours
        expect(await form.locator("[role=alert]").count()).toBe(0);
        await page.screenshot({ path: `${SHOTS}/incident-editor.png`, fullPage: true });
        mark("update posted");

        // 5. The public pages (ISR, 4 s) catch up within 10 s.
        const pub = await context.newPage();
        const timeline = pub.locator("[data-testid=timeline] li");
        const started = Date.now();
        await reloadUntil(
          pub,
          `${web!.url}/incidents/${incidentId}`,
          async () =>
            (
              (await pub
                .locator("[data-testid=timeline]")
                .textContent()
                .catch(() => "")) ?? ""
            ).includes("Root cause found"),
          10_000,
          "the update on the public incident page",
        );
        mark(`public incident page updated after ${Date.now() - started} ms`);
        await expect(pub.locator("h1").textContent()).resolves.toBe(title);
        await expect(pub.locator("[data-testid=incident-status]").textContent()).resolves.toBe("Identified");
        const first = timeline.filter({ hasText: "Root cause found" });
        expect(await first.count()).toBe(1);
        expect(await first.locator(".markdown").innerHTML()).toContain("<strong>disk full</strong>");

        const activeIncident = pub.locator("[data-testid=active-incident]");
        await reloadUntil(pub, `${web!.url}/`, async () => (await activeIncident.count()) > 0, 10_000, "the incident on the home page");
        await expect(activeIncident.first().locator("h3").textContent()).resolves.toBe(title);
        mark("home page shows the incident");

        // 6. The on-call webhook: opened, acknowledged, updated, in that order, each signed.
        const wanted = ["incident.opened", "incident.acknowledged", "incident.updated"];
        await until(() => received.length >= wanted.length, 15_000, `${wanted.length} webhook deliveries (got ${received.length})`);
        await sleep(300); // nothing else should follow
        mark(`webhooks received: ${received.map((r) => r.headers["x-status-event"]).join(", ")}`);
        expect(received.map((r) => r.headers["x-status-event"])).toEqual(wanted);
        expect(received.map((r) => r.verified)).toEqual([true, true, true]);
        // A wrong secret must not verify: the check above is a real one.
        expect(
          verifyWebhookSignature(SECRET.replace(/0/g, "x"), received[0].headers["x-status-signature"] as string, received[0].raw),
        ).toBe(false);
        const deliveryIds = received.map((r) => r.headers["x-status-delivery"]);
        expect(new Set(deliveryIds).size).toBe(3);
        const events = received.map((r) => JSON.parse(r.raw));
        events.forEach((e, i) => {
          expect(e.type).toBe(wanted[i]);
          expect(e.id).toBe(deliveryIds[i]);
          expect(e.incident.id).toBe(incidentId);
          expect(received[i].headers["content-type"]).toMatch(/^application\/json/);
        });
        expect(events[0].ackUrl).toMatch(new RegExp(`^${web!.url.replace(/[.]/g, "\\.")}/ack/[A-Za-z0-9_-]{20,}$`));
        expect(events[0].incident.status).toBe("investigating");
        expect(events[1].incident.acknowledgedBy).toBe(EMAIL);
        expect(events[1].ackUrl).toBeUndefined();
        expect(events[2].incident.update).toMatchObject({ status: "identified", body: UPDATE_BODY });
        expect(events[2].incident.status).toBe("identified");

        await pub.close();
        await page.close();
      } catch (e) {
        const err = e as Error;
        err.message += `\n--- agent output ---\n${agent?.output().slice(-4000)}\n--- web output ---\n${web?.output().slice(-4000)}\n--- webhooks ---\n${received.map((r) => `${r.headers["x-status-event"]} verified=${r.verified}`).join("\n")}`;
        throw err;
      }
    }, 60_000);
  },
);
