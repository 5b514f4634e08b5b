import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MicroCache } from "@/scripts/micro-cache.mjs";

describe("web micro-cache", () => {
  let server: Server;
  let base: string;
  let renders = 0;
  const cache = new MicroCache({ ttlMs: 300 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const key = cache.keyFor(req);
      if (key) {
        if (cache.serve(key, req, res)) return;
        cache.capture(key, req, res);
      }
      renders++;
      const path = req.url!;
      if (path.startsWith("/admin")) {
        res.writeHead(200, { "cache-control": "private, no-store" });
        return res.end("secret");
      }
      if (path === "/api/v2/status.json") {
        res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
        return res.end(`{"n":${renders}}`);
      }
      res.setHeader("etag", '"v1"');
      res.setHeader("content-type", "text/html");
      res.write(`<p>render ${renders}</p>`);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it("serves a public page from memory within the TTL, then renders again", async () => {
    const before = renders;
    const a = await (await fetch(`${base}/`)).text();
    const b = await fetch(`${base}/`);
    expect(b.headers.get("x-micro-cache")).toBe("HIT");
    expect(await b.text()).toBe(a);
    expect(renders - before).toBe(1);
    await new Promise((r) => setTimeout(r, 350));
    await fetch(`${base}/`);
    expect(renders - before).toBe(2);
  });

  it("answers 304 from memory for a matching If-None-Match", async () => {
    await fetch(`${base}/monitors/a`);
    const r = await fetch(`${base}/monitors/a`, { headers: { "if-none-match": '"v1"' } });
    expect(r.status).toBe(304);
  });

  it("never stores private or no-store answers, nor requests with cookies or client-navigation headers", async () => {
    const before = renders;
    await fetch(`${base}/api/v2/status.json`);
    await fetch(`${base}/api/v2/status.json`);
    expect(renders - before).toBe(2);
    await fetch(`${base}/history`, { headers: { cookie: "session=x" } });
    await fetch(`${base}/history`, { headers: { cookie: "session=x" } });
    expect(renders - before).toBe(4);
    await fetch(`${base}/incidents/1`, { headers: { rsc: "1" } });
    await fetch(`${base}/incidents/1`, { headers: { rsc: "1" } });
    expect(renders - before).toBe(6);
    await fetch(`${base}/admin`);
    await fetch(`${base}/admin`);
    expect(renders - before).toBe(8);
  });

  it("keys answers by the host headers that links are built from, and by the forwarded ones only behind a trusted proxy", () => {
    const req = (headers: Record<string, string>) =>
      ({ method: "GET", url: "/api/v2/summary.json", headers }) as unknown as import("node:http").IncomingMessage;
    const plain = new MicroCache({ trustProxy: false });
    expect(plain.keyFor(req({ host: "status.example" }))).not.toBe(plain.keyFor(req({ host: "evil.example" })));
    expect(plain.keyFor(req({ host: "Status.Example" }))).toBe(plain.keyFor(req({ host: "status.example" })));
    // Ignored by the app without TRUST_PROXY, so they do not split the cache either.
    expect(plain.keyFor(req({ host: "status.example", "x-forwarded-host": "evil.example" }))).toBe(
      plain.keyFor(req({ host: "status.example" })),
    );
    const proxied = new MicroCache({ trustProxy: true });
    expect(proxied.keyFor(req({ host: "app:3000", "x-forwarded-host": "evil.example" }))).not.toBe(
      proxied.keyFor(req({ host: "app:3000", "x-forwarded-host": "status.example" })),
    );
    expect(proxied.keyFor(req({ host: "app:3000", "x-forwarded-proto": "https" }))).not.toBe(
      proxied.keyFor(req({ host: "app:3000", "x-forwarded-proto": "http" })),
    );
  });

  it("never keys a heartbeat ping, however its path is spelled (each one is a write)", () => {
    const cache = new MicroCache();
    for (const url of [
      "/ping/abcdefabcdefabcdef",
      "/ping/abcdefabcdefabcdef/start",
      "//ping/abcdefabcdefabcdef/0",
      "/PING/abcdefabcdefabcdef",
    ])
      expect(cache.keyFor({ method: "GET", url, headers: { host: "status.example" } } as never), url).toBeNull();
  });
});
