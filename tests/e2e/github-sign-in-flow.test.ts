import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { launchBrowser } from "../helpers/browser";
import { missing } from "../helpers/external-parts";
import { startFakeGithub, type FakeGithub } from "../helpers/fake-github";
import { appSecret } from "@/monitors/auth/app-secret";
import { sealSecret, totpCode } from "@/monitors/auth/totp";

const CLIENT = { clientId: "Iv1.e2eclient", clientSecret: "e2e-client-secret-0123456789" };
const APP_SECRET = "e2e-github-app-secret-0123456789abcdef";
const TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

// With password sign-in off, the login page offers only GitHub: the button leads through the
// loopback GitHub's authorize page (which approves at once and redirects back) to /admin, signed in.
describe.skipIf(missing("chromium"))("sign in with GitHub in the browser", () => {
  let t: TempDb;
  let gh: FakeGithub;
  let web: Awaited<ReturnType<typeof startWeb>> | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    t = await createTempDb();
    gh = await startFakeGithub(CLIENT);
    await t.db.user.create({ data: { email: "linked@example.test", role: "admin", passwordHash: "!github", githubLogin: "linked-gh" } });
    await t.db.user.create({
      data: {
        email: "careful@example.test",
        role: "responder",
        passwordHash: "!github",
        githubId: "5151",
        totpSecret: sealSecret(TOTP, await appSecret(t.db, { APP_SECRET })),
      },
    });
    web = await startWeb(t.url, {
      APP_SECRET,
      PASSWORD_LOGIN: "0",
      GITHUB_CLIENT_ID: CLIENT.clientId,
      GITHUB_CLIENT_SECRET: CLIENT.clientSecret,
      GITHUB_URL: gh.url,
      GITHUB_API_URL: gh.url,
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await gh?.close();
    await t?.cleanup();
  });

  it("clicks Sign in with GitHub and lands signed in on /admin", async () => {
    const page = await (await browser!.newContext()).newPage();
    await page.goto(`${web!.url}/admin`);
    // Not signed in: the login page, with no password form.
    await page.waitForURL(/\/admin\/login/);
    expect(await page.getByLabel("Password").count()).toBe(0);
    await page.getByTestId("password-off").waitFor();

    gh.signInAs({ id: 4242, login: "Linked-GH" });
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.waitForURL(/\/admin$/);
    expect(await page.getByText("linked@example.test (admin)").count()).toBe(1);
    expect(gh.authorizeRequests).toHaveLength(1);
    // The session cookie is HttpOnly; the flow cookie is gone.
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "status_session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    expect(cookies.find((c) => c.name === "status_github_flow")).toBeUndefined();

    // /admin/users shows the link, its id now pinned by this first sign-in.
    await page.goto(`${web!.url}/admin/users`);
    expect(await page.getByTestId("user-github").first().textContent()).toMatch(/^@linked-gh/);
    expect(await page.getByLabel("GitHub login").first().inputValue()).toBe("linked-gh");

    // Someone not linked is sent back to the login page with the reason in words.
    const other = await (await browser!.newContext()).newPage();
    gh.signInAs({ id: 77, login: "nobody-here" });
    await other.goto(`${web!.url}/admin/login`);
    await other.getByRole("link", { name: "Sign in with GitHub" }).click();
    await other.waitForURL(/failed=not-linked/);
    expect(await other.getByTestId("sign-in-refused").textContent()).toBe(
      "@nobody-here is not linked to a maintainer account here. Ask an admin to link it (npm run admin -- link-github).",
    );
  }, 90_000);

  it("with two-factor on, asks for the code after GitHub, then lands on the page asked for", async () => {
    const page = await (await browser!.newContext()).newPage();
    gh.signInAs({ id: 5151, login: "careful" });
    await page.goto(`${web!.url}/admin/maintenance`);
    await page.waitForURL(/\/admin\/login/);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.waitForURL(/\/admin\/login\/code/);
    expect((await page.context().cookies()).find((c) => c.name === "status_session")).toBeUndefined();
    await page.getByLabel("Two-factor code").fill("000000");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText("Wrong two-factor code.").waitFor();
    await page.getByLabel("Two-factor code").fill(totpCode(TOTP, Date.now()));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(/\/admin\/maintenance$/);
    expect(await page.getByText("careful@example.test (responder)").count()).toBe(1);
  }, 90_000);
});
