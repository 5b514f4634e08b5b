import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { PageCache, pickEncoding } from "@/scripts/page-cache.mjs";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { fetchUntil, startWeb } from "../helpers/web-process";
import { parseConfig } from "@/monitors/config/load";
import { syncConfig } from "@/monitors/store/config-sync";

/** A GET that keeps the bytes as sent (fetch would decompress them). */
function rawGet(
  url: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

const HTML = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "public, max-age=0, s-maxage=4",
  "content-security-policy": "default-src 'self'",
  "x-content-type-options": "nosniff",
};

describe("page cache (scripts/page-cache.mjs)", () => {
  const pages = new PageCache();
  let server: Server;
  let base: string;
  let passedThrough = 0;
  const page = Buffer.from(`<!DOCTYPE html><p>${"status ".repeat(2000)}</p>`);

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (pages.serve(req, res)) return;
      passedThrough++;
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("rendered");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it("compresses a page once, and not again while its bytes stay the same", async () => {
    expect(await pages.update("/", 200, new Headers(HTML), page)).toBe("stored");
    expect(await pages.update("/", 200, new Headers(HTML), Buffer.from(page))).toBe("unchanged");
    expect(await pages.update("/", 200, new Headers(HTML), Buffer.from(page))).toBe("unchanged");
    expect(pages.stats.compressions).toBe(1);
  });

  it("serves brotli, gzip or plain bytes of the same page with one ETag and the page's own headers", async () => {
    const br = await rawGet(`${base}/`, { "accept-encoding": "gzip, deflate, br" });
    const gz = await rawGet(`${base}/`, { "accept-encoding": "gzip" });
    const plain = await rawGet(`${base}/`, { "accept-encoding": "identity" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(brotliDecompressSync(br.body)).toEqual(page);
    expect(gunzipSync(gz.body)).toEqual(page);
    expect(plain.body).toEqual(page);
    expect(br.body.length).toBeLessThan(page.length / 10);
    for (const r of [br, gz, plain]) {
      expect(r.headers["x-page-cache"]).toBe("HIT");
      expect(r.headers.etag).toBe(br.headers.etag);
      expect(r.headers.vary).toMatch(/Accept-Encoding/);
      expect(r.headers["content-security-policy"]).toBe("default-src 'self'");
      expect(r.headers["cache-control"]).toBe(HTML["cache-control"]);
    }
    expect(passedThrough).toBe(0);
    const head = await rawGet(`${base}/`, { "accept-encoding": "gzip" }, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it("answers 304 to the ETag it holds, without a policy header (it would replace the kept page's)", async () => {
    const { headers } = await rawGet(`${base}/`);
    const r = await rawGet(`${base}/`, { "if-none-match": headers.etag });
    expect(r.status).toBe(304);
    expect(r.body.length).toBe(0);
    expect(r.headers["content-security-policy"]).toBeUndefined();
    expect((await rawGet(`${base}/`, { "if-none-match": '"p-other"' })).status).toBe(200);
  });

  it("a changed page gets new bytes and a new ETag", async () => {
    const before = (await rawGet(`${base}/`)).headers.etag;
    const changed = Buffer.from("<!DOCTYPE html><p>Major outage</p>");
    expect(await pages.update("/", 200, new Headers(HTML), changed)).toBe("stored");
    const after = await rawGet(`${base}/`, { "accept-encoding": "br" });
    expect(after.headers.etag).not.toBe(before);
    expect(brotliDecompressSync(after.body).toString()).toContain("Major outage");
  });

  it("lets through what may differ from an anonymous visitor's page, and keeps no private or non-HTML answer", async () => {
    const before = passedThrough;
    await rawGet(`${base}/`, { cookie: "session=x" });
    await rawGet(`${base}/`, { rsc: "1" });
    await rawGet(`${base}/?before=2026-01-01`);
    await rawGet(`${base}/monitors/unknown`);
    expect(passedThrough - before).toBe(4);
    expect(await pages.update("/admin", 200, new Headers({ ...HTML, "cache-control": "private, no-store" }), page)).toBe("refused");
    expect(await pages.update("/api/v2/summary.json", 200, new Headers({ "content-type": "application/json" }), page)).toBe("refused");
    expect(await pages.update("/monitors/a", 404, new Headers(HTML), page)).toBe("refused");
  });

  it("clear() drops every page, and a compression under way is not stored after it", async () => {
    const pending = pages.update("/incidents/1", 200, new Headers(HTML), Buffer.from("<p>old</p>".repeat(5000)));
    pages.clear();
    expect(await pending).toBe("refused");
    const before = passedThrough;
    await rawGet(`${base}/`);
    await rawGet(`${base}/incidents/1`);
    expect(passedThrough - before).toBe(2);
  });

  it("prefers brotli, honours q=0", () => {
    expect(pickEncoding("gzip, deflate, br, zstd")).toBe("br");
    expect(pickEncoding("gzip;q=1.0, br;q=0")).toBe("gzip");
    expect(pickEncoding("identity")).toBe(null);
    expect(pickEncoding(undefined)).toBe(null);
  });
});

describe("the web process serves its hot pages from the page cache", () => {
  let t: TempDb;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let monitorId: number;

  beforeAll(async () => {
    t = await createTempDb();
    const report = await syncConfig(
      t.db,
      parseConfig(
        JSON.stringify({ monitors: [{ slug: "api", name: "Registry API", kind: "tcp", host: "127.0.0.1", port: 9 }] }),
        "c.yaml",
        {},
      ),
    );
    monitorId = report.monitors[0].id;
    web = await startWeb(t.url);
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
    await t?.cleanup();
  });

  it("an unchanged home page: every request a compressed HIT with one ETag, 304 to that ETag", async () => {
    await fetchUntil(`${web.url}/`, () => true);
    const until = Date.now() + 15_000;
    let first = await rawGet(`${web.url}/`, { "accept-encoding": "br, gzip" });
    while (first.headers["x-page-cache"] !== "HIT" && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 300));
      first = await rawGet(`${web.url}/`, { "accept-encoding": "br, gzip" });
    }
    expect(first.headers["x-page-cache"]).toBe("HIT");
    expect(first.headers["content-encoding"]).toBe("br");
    expect(first.headers["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(brotliDecompressSync(first.body).toString()).toContain('data-monitor="api"');
    // Thirty visitors cost no render: all of them are answered from the cache.
    const answers = await Promise.all(Array.from({ length: 30 }, () => rawGet(`${web.url}/`, { "accept-encoding": "gzip" })));
    expect(answers.every((a) => a.headers["x-page-cache"] === "HIT" && a.headers["content-encoding"] === "gzip")).toBe(true);
    const etag = answers[answers.length - 1].headers.etag;
    expect(etag).toMatch(/^"p-/);
    const conditional = await rawGet(`${web.url}/`, { "if-none-match": etag });
    expect(conditional.status).toBe(304);
  });

  it("is regenerated when the data changes: the next pass stores the new page under a new ETag", async () => {
    const before = (await rawGet(`${web.url}/`)).headers.etag;
    const started = Date.now();
    await t.db.incident.create({
      data: {
        title: "Pulls failing",
        status: "investigating",
        impact: "major",
        startedAt: new Date(),
        monitors: { create: [{ monitorId, impact: "major" }] },
      },
    });
    let after = await rawGet(`${web.url}/`);
    while (!after.body.toString().includes("Pulls failing") && Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 250));
      after = await rawGet(`${web.url}/`);
    }
    expect(after.body.toString()).toContain("Pulls failing");
    expect(after.headers["x-page-cache"]).toBe("HIT");
    expect(after.headers.etag).not.toBe(before);
    // The browser that held the old page gets the new one, not a 304.
    expect((await rawGet(`${web.url}/`, { "if-none-match": before })).status).toBe(200);
  });
});
