// The Content-Security-Policy is strict (no 'unsafe-inline' for scripts) and the pages still work:
// Chromium reports no violation, the client components hydrate, and every kind of answer carries
// the security headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { launchBrowser } from "../helpers/browser";
import { missing } from "../helpers/external-parts";
import { seedPublicFixture } from "../helpers/public-fixture";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { secureResponse } from "@/scripts/security-headers.mjs";

describe("security headers and CSP", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let fixture: Awaited<ReturnType<typeof seedPublicFixture>>;

  beforeAll(async () => {
    t = await createTempDb();
    fixture = await seedPublicFixture(t.db);
    web = await startWeb(t.url);
    if (!missing("chromium")) browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await t?.cleanup();
  });

  function scriptSrc(csp: string): string {
    return (
      csp
        .split(";")
        .map((d) => d.trim())
        .find((d) => d.startsWith("script-src")) ?? ""
    );
  }

  it("sends CSP without 'unsafe-inline' scripts, nosniff, a referrer policy and frame-ancestors on every kind of answer", async () => {
    const paths = [
      "/",
      "/history",
      "/admin/login",
      "/api/v2/summary.json",
      "/history.atom",
      "/badge/status.svg",
      "/metrics",
      "/no-such-page",
      `/incidents/${fixture.active.id}`,
    ];
    for (const path of paths) {
      for (const encoding of ["gzip", "identity"]) {
        const r = await fetch(`${web.url}${path}`, { headers: { "accept-encoding": encoding } });
        await r.arrayBuffer();
        const csp = r.headers.get("content-security-policy") ?? "";
        expect(csp, path).not.toBe("");
        expect(scriptSrc(csp), path).not.toContain("unsafe-inline");
        expect(scriptSrc(csp), path).not.toContain("unsafe-eval");
        expect(csp, path).toContain("frame-ancestors 'none'");
        expect(r.headers.get("x-content-type-options"), path).toBe("nosniff");
        expect(r.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
        if ((r.headers.get("content-type") ?? "").includes("text/html")) {
          // (the status page and monitor pages have no inline script at all: 'self' alone)
          expect(csp, path).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/]+=*')*/);
          expect(csp, path).toContain("object-src 'none'");
          expect(csp, path).toContain("base-uri 'none'");
        } else {
          expect(csp, path).toContain("default-src 'none'");
        }
      }
    }
  });

  it("a 304 carries no policy of its own (it would replace the cached page's hashes)", async () => {
    const first = await fetch(`${web.url}/`);
    await first.text();
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    const again = await fetch(`${web.url}/`, { headers: { "if-none-match": etag! } });
    if (again.status === 304) expect(again.headers.get("content-security-policy")).toBeNull();
    else expect(scriptSrc(again.headers.get("content-security-policy") ?? "")).toMatch(/sha256-/);
  });

  it.skipIf(missing("chromium"))("pages run under the policy: no violation in Chromium, and client components work", async () => {
    const context = await browser.newContext();
    const violations: string[] = [];
    await context.exposeBinding("reportCsp", (_src, v: string) => void violations.push(v));
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        (window as unknown as { reportCsp: (v: string) => void }).reportCsp(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
      );
    });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    for (const path of ["/", "/monitors/registry-api", "/history", "/admin/login"]) {
      await page.goto(`${web.url}${path}`, { waitUntil: "networkidle" });
    }
    // Hydration ran: the login form is a client component that answers without a page load.
    await page.fill("input[name=email]", "nobody@example.com");
    await page.fill("input[name=password]", "wrong password here");
    await page.click("button[type=submit]");
    await page.locator(".form-error").waitFor({ timeout: 10_000 });
    expect(await page.locator(".form-error").textContent()).toContain("Wrong email or password.");
    expect(violations).toEqual([]);
    // The control: an inline script the server did not send is refused, and reported.
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__injected = 1";
      document.body.appendChild(s);
    });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    expect(violations.some((v) => v.startsWith("script-src"))).toBe(true);
    await context.close();
  });

  it.skipIf(missing("chromium"))(
    "an inline script injected into the HTML on the server gets no hash, and Chromium does not run it",
    async () => {
      // A real page of the site with scripts added on its way out, as an injection bug would add
      // them, sent through the web process's own header code; everything else comes from the site.
      const original = await (await fetch(`${web.url}/admin/login`)).text();
      const injected = original.replace(
        "</body>",
        '<script>window.__injected = 1</script><script>self.__next_f.push([1,""]);window.__injected = 2</script></body>',
      );
      expect(injected).not.toBe(original);
      const harness: Server = createServer(async (req, res) => {
        if (req.url === "/") {
          secureResponse(res);
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          res.end(injected);
          return;
        }
        const r = await fetch(`${web.url}${req.url}`);
        res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/octet-stream" });
        res.end(Buffer.from(await r.arrayBuffer()));
      });
      await new Promise<void>((r) => harness.listen(0, "127.0.0.1", r));
      const context = await browser.newContext();
      try {
        const violations: string[] = [];
        await context.exposeBinding("reportCsp", (_src, v: string) => void violations.push(v));
        await context.addInitScript(() => {
          document.addEventListener("securitypolicyviolation", (e) =>
            (window as unknown as { reportCsp: (v: string) => void }).reportCsp(`${e.violatedDirective} ${e.sample}`),
          );
        });
        const page = await context.newPage();
        const answer = await page.goto(`http://127.0.0.1:${(harness.address() as AddressInfo).port}/`, { waitUntil: "networkidle" });
        const policy = scriptSrc((await answer!.allHeaders())["content-security-policy"] ?? "");
        // The framework's own scripts keep their hashes; the two added ones have none.
        expect(policy.match(/'sha256-/g)?.length).toBe(original.match(/<script\b(?![^>]*\ssrc\s*=)[^>]*>/g)?.length);
        expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
        // Exactly the two added scripts were refused: the framework's own ran.
        expect(violations.filter((v) => v.startsWith("script-src"))).toHaveLength(2);
      } finally {
        await context.close();
        harness.close();
      }
    },
  );
});
