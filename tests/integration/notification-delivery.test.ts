import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttp } from "../helpers/loopback";
import { startSmtpCapture } from "../helpers/smtp-capture";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { OutboxWorker } from "@/monitors/notify/outbox-worker";
import { channelDeliverer } from "@/monitors/notify/deliver";
import { verifyWebhookSignature } from "@/monitors/notify/webhook";
import { enqueueEvent } from "@/monitors/notify/enqueue-event";
import { incidentEvent } from "@/monitors/notify/event-builders";

const SECRET = "s".repeat(32);
const FAST = { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 4 };
let t: TempDb;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;

async function queueIncident(body: string, opts: { title?: string } = {}) {
  const monitor = await t.db.monitor.upsert({
    where: { slug: "api" },
    create: { slug: "api", name: "Registry API", kind: "http", config: {}, intervalSec: 60, timeoutMs: 5000, phaseMs: 0 },
    update: {},
  });
  const now = new Date();
  return t.db.$transaction(async (tx) => {
    const inc = await tx.incident.create({
      data: {
        title: opts.title ?? "Pulls failing",
        startedAt: now,
        monitors: { create: { monitorId: monitor.id, impact: "major" } },
        updates: { create: { status: "investigating", body } },
      },
    });
    await enqueueEvent(tx, await incidentEvent(tx, inc.id, "incident.opened", now, {}, { PUBLIC_URL: "https://status.example" }), now, {
      PUBLIC_URL: "https://status.example",
    });
    return inc.id;
  });
}

beforeAll(async () => {
  t = await createTempDb();
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await smtp.close();
  await t?.cleanup();
});

describe("outbox delivery", () => {
  it("retries a receiver that fails twice, then succeeds, and delivers exactly once, in order, signed", async () => {
    let calls = 0;
    const delivered: Array<{ event: string; delivery: string; body: string }> = [];
    const hook = await startHttp((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        calls += 1;
        const raw = Buffer.concat(chunks).toString("utf8");
        if (calls <= 2) {
          res.writeHead(503);
          return res.end("busy");
        }
        expect(verifyWebhookSignature(SECRET, req.headers["x-status-signature"] as string, raw)).toBe(true);
        delivered.push({ event: String(req.headers["x-status-event"]), delivery: String(req.headers["x-status-delivery"]), body: raw });
        res.writeHead(204);
        res.end();
      });
    });
    const channel = await t.db.notificationChannel.create({
      data: { name: "hook", kind: "webhook", config: { url: `${hook.url}/in`, secret: SECRET } },
    });
    const first = await queueIncident("first");
    const second = await queueIncident("second");
    const worker = new OutboxWorker(t.db, { deliver: channelDeliverer({}), retry: FAST, pollMs: 20 });
    worker.start();
    const until = Date.now() + 10_000;
    while (delivered.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    await worker.stop();
    // A second worker (a restart) finds nothing left to send.
    const again = new OutboxWorker(t.db, { deliver: channelDeliverer({}), retry: FAST });
    await again.runOnce();
    expect(calls).toBe(4);
    expect(delivered.map((d) => d.delivery)).toEqual([`incident.opened:${first}`, `incident.opened:${second}`]);
    const rows = await t.db.outbox.findMany({ where: { channelId: channel.id }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["delivered", 3],
      ["delivered", 1],
    ]);
    await t.db.notificationChannel.update({ where: { id: channel.id }, data: { enabled: false } });
    await hook.close();
  });

  it("gives up after the last attempt, marks the row failed with the reason, and a retry from /admin sends it again", async () => {
    await t.db.outbox.deleteMany();
    let up = false;
    let got = 0;
    const hook = await startHttp((_req, res) => {
      if (up) got += 1;
      res.writeHead(up ? 200 : 500);
      res.end();
    });
    const channel = await t.db.notificationChannel.create({
      data: { name: "flaky", kind: "webhook", config: { url: hook.url, secret: SECRET } },
    });
    await queueIncident("down");
    const worker = new OutboxWorker(t.db, { deliver: channelDeliverer({}), retry: FAST });
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      await worker.runOnce();
      const row = await t.db.outbox.findFirstOrThrow({ where: { channelId: channel.id } });
      if (row.status === "failed") break;
      await new Promise((r) => setTimeout(r, 30));
    }
    const failed = await t.db.outbox.findFirstOrThrow({ where: { channelId: channel.id } });
    expect(failed.status).toBe("failed");
    expect(failed.attempts).toBe(FAST.maxAttempts);
    expect(failed.lastError).toMatch(/500/);
    up = true;
    await t.db.outbox.update({ where: { id: failed.id }, data: { status: "pending", attempts: 0, nextAttemptAt: new Date() } });
    await worker.runOnce();
    expect(got).toBe(1);
    expect((await t.db.outbox.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("delivered");
    await t.db.notificationChannel.update({ where: { id: channel.id }, data: { enabled: false } });
    await hook.close();
  });

  it("emails an email channel and a confirmed subscriber through SMTP, with the body's markup inert", async () => {
    await t.db.outbox.deleteMany();
    await t.db.notificationChannel.create({ data: { name: "mail", kind: "email", config: { to: ["oncall@example.com"] } } });
    await t.db.subscriber.create({ data: { email: "reader@example.com", confirmedAt: new Date(), unsubscribeTokenHash: "x1" } });
    await t.db.subscriber.create({ data: { email: "unconfirmed@example.com", unsubscribeTokenHash: "x2" } });
    smtp.mails.length = 0;
    await queueIncident("Investigating. <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>");
    const env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: "Status <status@example.com>" };
    const worker = new OutboxWorker(t.db, { deliver: channelDeliverer(env), retry: FAST });
    await worker.runOnce();
    expect(smtp.mails).toHaveLength(2);
    const toOf = (m: string) => /^To: (.*)$/m.exec(m)?.[1];
    expect(smtp.mails.map(toOf).sort()).toEqual(["oncall@example.com", "reader@example.com"]);
    for (const m of smtp.mails) {
      expect(m).toMatch(/Content-Type: text\/plain/);
      expect(m).toMatch(/Content-Type: text\/html/);
      // Plain text may say <script> literally; the HTML part must not contain it as markup.
      const html = m.slice(m.indexOf("Content-Type: text/html"));
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<[^>]+\son\w+=/i);
      expect(html).not.toMatch(/href="javascript:/i);
      expect(html).toContain("&lt;script&gt;");
    }
    const subscriberMail = smtp.mails.find((m) => toOf(m) === "reader@example.com")!;
    expect(subscriberMail).toMatch(/List-Unsubscribe:\s+<https:\/\/status\.example\/api\/unsubscribe\/\d+\.[A-Za-z0-9_-]+>/);
    expect(subscriberMail).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    // Never the subscribers' addresses in a channel's mail.
    expect(smtp.mails.find((m) => toOf(m) === "oncall@example.com")!).not.toContain("reader@example.com");
  });
});
