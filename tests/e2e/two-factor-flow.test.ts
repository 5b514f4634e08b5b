import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { launchBrowser } from "../helpers/browser";
import { missing } from "../helpers/external-parts";
import { hashPassword } from "@/monitors/auth/password";
import { totpCode } from "@/monitors/auth/totp";

const EMAIL = "second-factor@example.test";
const PASSWORD = "correct horse battery staple";

// A maintainer sets up two-factor in Chromium as with a phone (the test computes the codes from the
// key the page shows, as an authenticator app would), signs out, and signs in with a code; with
// REQUIRE_2FA=1 the web process sends an admin without it to the set-up page first.
describe.skipIf(missing("chromium"))("two-factor set-up and sign-in in the browser", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>> | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    t = await createTempDb();
    await t.db.user.create({ data: { email: EMAIL, role: "admin", passwordHash: await hashPassword(PASSWORD) } });
    web = await startWeb(t.url, { APP_SECRET: "e2e-two-factor-secret-0123456789abcdef", REQUIRE_2FA: "1" });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await t?.cleanup();
  });

  it("enrols with the QR code's key, then signs in with a code", async () => {
    const page = await (await browser!.newContext()).newPage();
    await page.goto(`${web!.url}/admin/login`);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/admin(\/account)?$/);
    // REQUIRE_2FA=1: the dashboard sends this admin to the set-up page.
    await page.goto(`${web!.url}/admin`);
    expect(new URL(page.url()).pathname).toBe("/admin/account");
    await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
    await page.getByTestId("totp-secret").waitFor();
    expect(await page.getByTestId("totp-qr").getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
    await page.getByLabel("Code from your app").fill(totpCode(secret, Date.now()));
    await page.getByRole("button", { name: "Turn on" }).click();
    const message = page.getByRole("status");
    await message.waitFor();
    const codes = (await message.textContent())!.match(/[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}/g) ?? [];
    expect(codes).toHaveLength(10);
    await page.reload();
    expect(await page.getByTestId("two-factor").getAttribute("data-state")).toBe("on");
    // Free to use the rest now.
    await page.goto(`${web!.url}/admin`);
    expect(new URL(page.url()).pathname).toBe("/admin");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/admin\/login/);
    // Without the code: refused with the reason.
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("enter the code from your authenticator app").waitFor();
    // With the next step's code (the confirming one is used up): in.
    await page.getByLabel("Two-factor code").fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/admin$/);
    expect(await page.getByText(`${EMAIL} (admin)`).count()).toBe(1);
  }, 90_000);
});
