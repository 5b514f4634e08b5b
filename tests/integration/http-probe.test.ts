import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { startHttp } from "../helpers/loopback";
import { defineMonitor } from "../helpers/definitions";
import { runProbe } from "@/monitors/probes/run-probe";
import { expiredCert, validCert, type TestCert } from "../helpers/certs";

let base: Awaited<ReturnType<typeof startHttp>>;

beforeAll(async () => {
  base = await startHttp((req, res) => {
    const url = new URL(req.url!, "http://x");
    switch (url.pathname) {
      case "/ok":
        res.writeHead(200, { "content-type": "application/json", "x-version": "2.8.3" });
        return res.end(JSON.stringify({ status: "up", items: [{ name: "db" }] }));
      case "/slow":
        return setTimeout(() => res.end("slow ok"), 300);
      case "/error":
        res.writeHead(500);
        return res.end("boom");
      case "/hang":
        return; // never answers
      case "/endless": {
        res.writeHead(200, { "content-type": "text/plain" });
        const chunk = Buffer.alloc(16 * 1024, 97);
        const pump = () => {
          while (res.write(chunk));
        };
        res.on("drain", pump);
        pump();
        req.socket.on("close", () => res.removeListener("drain", pump));
        return;
      }
      case "/reset":
        return req.socket.destroy();
      case "/loop":
        res.writeHead(302, { location: "/loop" });
        return res.end();
      case "/redirect":
        res.writeHead(301, { location: "/ok" });
        return res.end();
      case "/bad-json":
        res.writeHead(200, { "content-type": "application/json" });
        return res.end("{not json");
      case "/bad-utf8":
        res.writeHead(200);
        return res.end(Buffer.from([0x6f, 0x6b, 0xff, 0xfe]));
      default:
        res.writeHead(404);
        res.end();
    }
  });
});

afterAll(async () => {
  await base.close();
});

const probe = (m: Record<string, unknown>, opts = {}) => runProbe(defineMonitor({ kind: "http", ...m }), opts);

describe("http probe against loopback servers", () => {
  it("up: status, JSON and header assertions pass; phases are measured", async () => {
    const r = await probe({
      url: `${base.url}/ok`,
      expect: {
        status: [200],
        json: [
          { path: "$.status", equals: "up" },
          { path: "$.items[0].name", equals: "db" },
        ],
        headers: [{ name: "X-Version", matches: "^2\\." }],
      },
    });
    expect(r.status).toBe("up");
    expect(r.details.httpStatus).toBe(200);
    expect(r.phases.connectMs).toBeGreaterThanOrEqual(0);
    expect(r.phases.firstByteMs).toBeGreaterThanOrEqual(0);
    expect(r.phases.totalMs).toBeGreaterThanOrEqual(r.phases.firstByteMs!);
    expect(r.phases.tlsMs).toBeUndefined();
  });

  it("slow: over degraded_after is degraded, with the time", async () => {
    const r = await probe({ url: `${base.url}/slow`, degraded_after: "100ms" });
    expect(r.status).toBe("degraded");
    expect(r.phases.totalMs).toBeGreaterThanOrEqual(290);
    expect(r.error).toMatch(/slow: \d+ ms \(limit 100 ms\)/);
  });

  it("500 is down with class http_status; a status listed in degraded_status is degraded", async () => {
    const r = await probe({ url: `${base.url}/error` });
    expect(r).toMatchObject({ status: "down", errorClass: "http_status", error: "HTTP 500 (expected 2xx)" });
    const d = await probe({ url: `${base.url}/error`, expect: { status: [200], degraded_status: [500] } });
    expect(d).toMatchObject({ status: "degraded", error: "HTTP 500 (a degraded status for this monitor)" });
  });

  it("a server that hangs past the timeout is down with 'timeout', on time", async () => {
    const started = Date.now();
    const r = await probe({ url: `${base.url}/hang`, timeout: "400ms" });
    expect(r).toMatchObject({ status: "down", errorClass: "timeout", error: "timeout" });
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it("an endless body is read only up to max_body_bytes", async () => {
    const before = process.memoryUsage().rss;
    const r = await probe({ url: `${base.url}/endless`, max_body_bytes: 100_000, expect: { body_contains: "aaaa" } });
    expect(r.status).toBe("up");
    expect(r.details).toMatchObject({ bodyTruncatedAt: 100_000 });
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });

  it("a connection reset is down", async () => {
    const r = await probe({ url: `${base.url}/reset` });
    expect(r.status).toBe("down");
    expect(["connect", "protocol"]).toContain(r.errorClass);
  });

  it("a redirect loop is down with 'too many redirects'; a redirect is followed", async () => {
    expect(await probe({ url: `${base.url}/loop`, max_redirects: 3 })).toMatchObject({
      status: "down",
      error: "too many redirects (more than 3)",
    });
    const followed = await probe({ url: `${base.url}/redirect` });
    expect(followed).toMatchObject({ status: "up", details: { httpStatus: 200, redirects: 1 } });
    const notFollowed = await probe({ url: `${base.url}/redirect`, follow_redirects: false, expect: { status: [301] } });
    expect(notFollowed.status).toBe("up");
  });

  it("a redirect to another origin is followed on a fresh connection there, without the credentials", async () => {
    const seen: Array<{ authorization?: string; port: number }> = [];
    const other = await startHttp((req, res) => {
      seen.push({ authorization: req.headers.authorization, port: req.socket.localPort! });
      res.end("moved here");
    });
    const first = await startHttp((req, res) => {
      seen.push({ authorization: req.headers.authorization, port: req.socket.localPort! });
      res.writeHead(302, { location: `${other.url}/landing` });
      res.end();
    });
    try {
      const r = await probe({
        url: `${first.url}/start`,
        headers: { Authorization: "Bearer only-for-the-first" },
        expect: { body_contains: "moved here" },
      });
      expect(r).toMatchObject({ status: "up", details: { httpStatus: 200, redirects: 1 } });
      expect(seen).toEqual([
        { authorization: "Bearer only-for-the-first", port: first.port },
        { authorization: undefined, port: other.port },
      ]);
    } finally {
      await Promise.all([first.close(), other.close()]);
    }
  });

  it("keyword, regex and JSON failures are down with a clear reason", async () => {
    expect((await probe({ url: `${base.url}/ok`, expect: { body_contains: "nope" } })).error).toBe('body does not contain "nope"');
    expect((await probe({ url: `${base.url}/ok`, expect: { body_regex: "^x" } })).error).toBe("body does not match /^x/");
    expect((await probe({ url: `${base.url}/ok`, expect: { json: [{ path: "$.status", equals: "down" }] } })).error).toBe(
      '$.status is "up", expected "down"',
    );
    expect((await probe({ url: `${base.url}/bad-json`, expect: { json: [{ path: "$.a", exists: true }] } })).error).toMatch(
      /^body is not valid JSON/,
    );
    expect((await probe({ url: `${base.url}/bad-utf8`, expect: { body_contains: "ok" } })).error).toBe("body is not valid UTF-8");
    expect((await probe({ url: `${base.url}/ok`, expect: { headers: [{ name: "x-missing" }] } })).error).toBe(
      "header x-missing is missing",
    );
  });

  it("a refused port is down with class connect", async () => {
    const closed = await startHttp(() => {});
    const url = closed.url;
    await closed.close();
    const r = await probe({ url });
    expect(r).toMatchObject({ status: "down", errorClass: "connect" });
    expect(r.error).toMatch(/ECONNREFUSED/);
  });

  it("an unresolvable host is down with class dns", async () => {
    const r = await probe({ url: "http://no-such-host.invalid/" });
    expect(r).toMatchObject({ status: "down", errorClass: "dns" });
  });
});

const port = (s: HttpsServer | NetServer) => (s.address() as AddressInfo).port;

describe("http probe over TLS", () => {
  let expiredServer: HttpsServer;
  let soonServer: HttpsServer;
  let soon: TestCert;

  beforeAll(async () => {
    const expired = expiredCert();
    soon = validCert(3);
    expiredServer = createHttpsServer(expired, (_req, res) => res.end("ok"));
    soonServer = createHttpsServer(soon, (_req, res) => res.end("ok"));
    await Promise.all([expiredServer, soonServer].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
  });

  afterAll(() => {
    expiredServer.close();
    soonServer.close();
  });

  it("an expired self-signed certificate is down with the TLS reason", async () => {
    const r = await probe({ url: `https://127.0.0.1:${port(expiredServer)}/` });
    expect(r).toMatchObject({ status: "down", errorClass: "tls" });
    expect(r.error).toMatch(/CERT_HAS_EXPIRED|SELF_SIGNED/);
  });

  it("a trusted certificate expiring within cert_expiry_days is degraded; TLS phase measured", async () => {
    const r = await probe({ url: `https://127.0.0.1:${port(soonServer)}/`, cert_expiry_days: 14 }, { ca: soon.cert });
    expect(r.status).toBe("degraded");
    expect(r.error).toMatch(/certificate expires in [23] days/);
    expect(r.phases.tlsMs).toBeGreaterThan(0);
    expect(r.certExpiresAt).toBeInstanceOf(Date);
    const fine = await probe({ url: `https://127.0.0.1:${port(soonServer)}/`, cert_expiry_days: 1 }, { ca: soon.cert });
    expect(fine.status).toBe("up");
  });

  it("a certificate for another host is down", async () => {
    const other = validCert(30, "subjectAltName=DNS:other.test");
    const server = createHttpsServer(other, (_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const r = await probe({ url: `https://localhost:${port(server)}/` }, { ca: other.cert });
    server.close();
    expect(r).toMatchObject({ status: "down", errorClass: "tls" });
    expect(r.error).toMatch(/ALTNAME|does not match|Hostname/i);
  });
});

describe("tcp probe", () => {
  it("an open port is up, a closed one is down", async () => {
    const server = createNetServer((s: Socket) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const open = await runProbe(defineMonitor({ kind: "tcp", host: "127.0.0.1", port: port(server) }));
    expect(open.status).toBe("up");
    expect(open.phases.connectMs).toBeGreaterThanOrEqual(0);
    const closedPort = port(server);
    await new Promise((r) => server.close(r));
    const closed = await runProbe(defineMonitor({ kind: "tcp", host: "127.0.0.1", port: closedPort }));
    expect(closed).toMatchObject({ status: "down", errorClass: "connect" });
  });
});
