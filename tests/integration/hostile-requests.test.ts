// Requests a red team sends to the real web process: forged Host and X-Forwarded-* headers,
// endless chunked bodies, wrong types in the sign-in body, a database held locked by another
// writer, and sign-ups timed to tell subscribers from strangers.
import { spawn } from "node:child_process";
import { request } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startWeb } from "../helpers/web-process";
import { postAdmin } from "../helpers/admin-http";
import { CONFIRM_TTL_MS, purgeUnconfirmed } from "@/monitors/subscribers/subscriptions";

let t: TempDb;
let web: Awaited<ReturnType<typeof startWeb>>;
// An SMTP server that accepts connections and never says hello: a mail sent while the request
// waits would hold the answer for nodemailer's 10 s greeting timeout.
let silentSmtp: Server;
const sockets = new Set<Socket>();
const ALLOWED = "status.example.test";

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Request body bytes written before the answer came (for streamed bodies). */
  sent: number;
}

/** A request with any headers (Host included) and a body given whole, or streamed in chunks up to `streamBytes`. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | { streamBytes: number } = "",
): Promise<RawAnswer> {
  const base = new URL(web.url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({ host: base.hostname, port: base.port, path, method, headers, timeout: 20_000 }, (res) => {
      answered = true;
      const at = sent;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), sent: at }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
    // After a 413 the server closes the connection: writes fail, the answer is what counts.
    req.on("error", (e) => {
      if (!answered) reject(e);
    });
    if (typeof body === "string") {
      req.end(body);
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (!answered && !req.destroyed && sent < body.streamBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered && !req.destroyed) req.end();
    };
    pump();
  });
}

const json = (a: RawAnswer) => JSON.parse(a.body) as Record<string, unknown>;
const postHeaders = (host: string, extra: Record<string, string> = {}) => ({
  host,
  origin: `http://${host}`,
  "content-type": "application/json",
  "x-status-request": "1",
  ...extra,
});

beforeAll(async () => {
  t = await createTempDb();
  silentSmtp = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => silentSmtp.listen(0, "127.0.0.1", r));
  await t.db.monitor.create({
    data: { slug: "registry-api", name: "Registry API", kind: "http", config: {}, intervalSec: 60, timeoutMs: 5000, phaseMs: 0 },
  });
  web = await startWeb(t.url, {
    PUBLIC_URL: "",
    TRUST_PROXY: "0",
    ALLOWED_HOSTS: ALLOWED,
    SMTP_URL: `smtp://127.0.0.1:${(silentSmtp.address() as AddressInfo).port}`,
  });
});
afterAll(async () => {
  await web?.stop();
  for (const s of sockets) s.destroy();
  silentSmtp?.close();
  await t?.cleanup();
});

describe("forged host headers", () => {
  const port = () => new URL(web.url).port;
  const confirmUrlFor = async (email: string) => {
    const sub = await t.db.subscriber.findUniqueOrThrow({ where: { email } });
    const row = await t.db.outbox.findFirstOrThrow({ where: { subscriberId: sub.id, eventKey: { startsWith: "subscription.confirm:" } } });
    return (row.payload as { confirmUrl: string }).confirmUrl;
  };

  it("never builds the emailed confirmation link from a Host or X-Forwarded-Host that nobody allowed", async () => {
    const evil = await raw("POST", "/api/subscribe", postHeaders("status.evil.example"), JSON.stringify({ email: "victim1@example.com" }));
    expect(evil.status, evil.body).toBe(200);
    expect(await confirmUrlFor("victim1@example.com")).toMatch(new RegExp(`^http://localhost:${port()}/subscribe/confirm/[A-Za-z0-9_-]+$`));

    const forwarded = await raw(
      "POST",
      "/api/subscribe",
      postHeaders(`127.0.0.1:${port()}`, { "x-forwarded-host": "status.evil.example", "x-forwarded-proto": "https" }),
      JSON.stringify({ email: "victim2@example.com" }),
    );
    expect(forwarded.status, forwarded.body).toBe(200);
    expect(await confirmUrlFor("victim2@example.com")).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port()}/subscribe/confirm/`));

    // A host the operator listed in ALLOWED_HOSTS is used as sent.
    const allowed = await raw("POST", "/api/subscribe", postHeaders(ALLOWED), JSON.stringify({ email: "reader@example.com" }));
    expect(allowed.status, allowed.body).toBe(200);
    expect(await confirmUrlFor("reader@example.com")).toMatch(/^http:\/\/status\.example\.test\/subscribe\/confirm\//);
  });

  it("answers summary.json with the allowed address only, and the micro-cache keeps answers for different hosts apart", async () => {
    const pageUrl = async (headers: Record<string, string>) =>
      (json(await raw("GET", "/api/v2/summary.json", headers)).page as { url: string }).url;
    const plainHost = `127.0.0.1:${port()}`;
    expect(await pageUrl({ host: plainHost, "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" })).toBe(
      `http://${plainHost}`,
    );
    expect(await pageUrl({ host: "evil.example" })).toBe(`http://localhost:${port()}`);
    // Within the micro-cache's second: an answer made for one allowed host is not served to another.
    expect(await pageUrl({ host: ALLOWED })).toBe(`http://${ALLOWED}`);
    expect(await pageUrl({ host: plainHost })).toBe(`http://${plainHost}`);
    expect(await pageUrl({ host: ALLOWED })).toBe(`http://${ALLOWED}`);
    for (const feed of ["/history.atom", "/history.rss"]) {
      const a = await raw("GET", feed, { host: "status.evil.example", "x-forwarded-host": "status.evil.example" });
      expect(a.status).toBe(200);
      expect(a.body).not.toContain("evil.example");
    }
  });
});

describe("request bodies are read up to their limit, not to their end", () => {
  it.each([
    ["/api/subscribe", "64 KiB"],
    ["/admin/api/login", "512 KiB"],
    ["/admin/api/incident.create", "512 KiB"],
  ])("%s answers 413 to an endless chunked body after reading about %s", async (path) => {
    const started = Date.now();
    const a = await raw("POST", path, postHeaders(`127.0.0.1:${new URL(web.url).port}`, { "transfer-encoding": "chunked" }), {
      streamBytes: 64 * 1024 * 1024,
    });
    expect(a.status, a.body).toBe(413);
    expect(json(a).error).toMatch(/request too large/);
    // The answer came before the 64 MB were sent: the body was not read to its end. (How much the
    // client pushed into loopback buffers before it read the answer depends on the machine's load.)
    expect(a.sent).toBeLessThan(64 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("closes the connection of a client that keeps sending after the 413, within a few seconds", async () => {
    const base = new URL(web.url);
    const outcome = await new Promise<{ status: number; closedAfterMs: number }>((resolve, reject) => {
      let status = 0;
      let answeredAt = 0;
      const req = request(
        {
          host: base.hostname,
          port: base.port,
          path: "/admin/api/login",
          method: "POST",
          headers: postHeaders(`127.0.0.1:${base.port}`, { "transfer-encoding": "chunked" }),
        },
        (res) => {
          status = res.statusCode ?? 0;
          answeredAt = Date.now();
          res.resume();
        },
      );
      const chunk = Buffer.alloc(64 * 1024, "b");
      // A trickle that ignores the answer: 64 KiB every 20 ms, for at most 15 s.
      const started = Date.now();
      const timer = setInterval(() => {
        if (Date.now() - started > 15_000) {
          clearInterval(timer);
          req.destroy();
          reject(new Error("the server kept reading for 15 s"));
        } else if (!req.destroyed) req.write(chunk);
      }, 20);
      const closed = () => {
        clearInterval(timer);
        resolve({ status, closedAfterMs: answeredAt ? Date.now() - answeredAt : -1 });
      };
      req.on("error", closed);
      req.on("close", closed);
    });
    expect(outcome.status).toBe(413);
    expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(0);
    expect(outcome.closedAfterMs).toBeLessThan(5000);
  });

  it("refuses a declared Content-Length over the limit without reading it", async () => {
    const a = await raw(
      "POST",
      "/api/subscribe",
      postHeaders(`127.0.0.1:${new URL(web.url).port}`, { "content-length": String(200 * 1024 * 1024) }),
      { streamBytes: 64 * 1024 * 1024 },
    );
    expect(a.status).toBe(413);
    // The answer came before the client had sent what it was ready to stream: the body was not
    // awaited. How much the client pushed into loopback socket buffers meanwhile depends on how
    // soon it reads the answer on a busy machine (20 MB was seen in CI), so that is not the bound.
    expect(a.sent).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("bad sign-in bodies", () => {
  it.each([
    [{ email: 123, password: "x" }, "email"],
    [{ email: "a@example.com", password: { $gt: "" } }, "password"],
    [{ email: "a@example.com", password: "x", next: ["/admin"] }, "next"],
    [{ email: `${"a".repeat(250)}@example.com`, password: "x" }, "email"],
    [{ email: null, password: ["x"] }, "email"],
  ])("%j is a 400 naming %s", async (body, field) => {
    const r = await postAdmin(web.url, "login", body);
    expect(r.status).toBe(400);
    expect(Object.keys((r.json?.errors ?? {}) as object)).toContain(field);
  });

  it("does not log a stack trace for them", () => {
    expect(web.output()).not.toMatch(/ZodError|invalid_type/);
  });
});

describe("sign-ups", () => {
  it("answers a new address without waiting for the mail server, the same as an address already subscribed", async () => {
    await t.db.subscriber.create({
      data: { email: "known@example.com", confirmedAt: new Date(), unsubscribeTokenHash: "known-unsubscribe" },
    });
    const host = `127.0.0.1:${new URL(web.url).port}`;
    const timed = async (email: string) => {
      const started = performance.now();
      const a = await raw("POST", "/api/subscribe", postHeaders(host), JSON.stringify({ email }));
      return { ms: performance.now() - started, body: a.body, status: a.status };
    };
    const fresh = await timed("stranger@example.com");
    const known = await timed("known@example.com");
    expect(fresh.status).toBe(200);
    expect(fresh.body).toBe(known.body);
    // The SMTP server never answers: a mail sent inline would take 10 s (the greeting timeout).
    expect(fresh.ms).toBeLessThan(3000);
    expect(
      await t.db.outbox.count({
        where: { eventKey: { startsWith: "subscription.confirm:" }, subscriber: { email: "stranger@example.com" } },
      }),
    ).toBe(1);
    expect(await t.db.outbox.count({ where: { subscriber: { email: "known@example.com" } } })).toBe(0);
    // Once the links have expired, housekeeping forgets the sign-ups and the queued links with them.
    await purgeUnconfirmed(t.db, Date.now() + CONFIRM_TTL_MS + 60_000);
    expect(await t.db.outbox.count({ where: { eventKey: { startsWith: "subscription.confirm:" } } })).toBe(0);
    expect(await t.db.subscriber.count({ where: { email: "stranger@example.com" } })).toBe(0);
    expect(await t.db.subscriber.count({ where: { email: "known@example.com" } })).toBe(1);
  });
});

describe("a database held locked by another writer", () => {
  it("answers sign-in and sign-up with 503, Retry-After and a sentence", async () => {
    const lock = spawn(process.execPath, ["tests/helpers/sqlite-write-lock.mjs", t.url.slice("file:".length), "9000"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        lock.stdout!.on("data", (d) => String(d).includes("locked") && resolve());
        lock.on("exit", (code) => reject(new Error(`the lock helper exited (${code})`)));
      });
      const host = `127.0.0.1:${new URL(web.url).port}`;
      const answers = await Promise.all([
        raw("POST", "/admin/api/login", postHeaders(host), JSON.stringify({ email: "ops@example.com", password: "whatever it is" })),
        raw("POST", "/api/subscribe", postHeaders(host), JSON.stringify({ email: "during-lock@example.com" })),
      ]);
      for (const a of answers) {
        expect(a.status, a.body).toBe(503);
        expect(a.headers["retry-after"]).toBe("5");
        expect(json(a).error).toMatch(/database is busy.*try again in 5 seconds/);
      }
    } finally {
      lock.kill("SIGKILL");
    }
  });
});
