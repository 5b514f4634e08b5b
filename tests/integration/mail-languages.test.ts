// Emails in the reader's language: a subscriber's mails (the confirmation first) in the language
// they read the site in when subscribing, sent through a real SMTP server on loopback; mails to
// those without one, and maintainers' channels, in the site's language (SITE_LOCALE).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpCapture } from "../helpers/smtp-capture";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { OutboxWorker } from "@/monitors/notify/outbox-worker";
import { channelDeliverer } from "@/monitors/notify/deliver";
import { emailMessage } from "@/monitors/notify/email";
import { requestSubscription } from "@/monitors/subscribers/subscriptions";
import type { NotificationEvent } from "@/monitors/notify/notification-event";

const FAST = { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 2 };
const addr = { from: "status@example.test", to: "ops@example.test" };

/** The mail as text: quoted-printable undone by readableMail, then its UTF-8 bytes read as UTF-8. */
const utf8 = (mail: string) => Buffer.from(mail, "latin1").toString("utf8");

const event: NotificationEvent = {
  id: "incident.updated:1",
  type: "incident.updated",
  occurredAt: "2025-03-01T10:15:00.000Z",
  site: { name: "OpenRegistry status", url: "https://status.example.test" },
  incident: {
    id: 1,
    title: "Registry pulls failing",
    status: "identified",
    impact: "major",
    url: "https://status.example.test/incidents/1",
    startedAt: "2025-03-01T09:58:00.000Z",
    resolvedAt: null,
    monitors: [{ slug: "api", name: "Registry API" }],
    update: { status: "identified", body: "Found it.", createdAt: "2025-03-01T10:15:00.000Z" },
    unacknowledgedMinutes: 12,
  },
  unsubscribeUrl: "https://status.example.test/unsubscribe/1.abc",
};

describe("notification mails per language", () => {
  it("German: headline, labels, words, UTC time and durations in German; lang and Content-Language set", () => {
    const m = emailMessage(event, addr, "de");
    expect(m.subject).toBe("Ursache erkannt: Registry pulls failing");
    expect(m.text).toMatch(/^Status: Ursache erkannt$/m);
    expect(m.text).toMatch(/^Auswirkung: erheblich$/m);
    expect(m.text).toMatch(/^Begonnen: 1\.\sMärz 2025,\s09:58\sUTC$/m);
    expect(m.text).toMatch(/^Unbestätigt seit: 12\sMin\.$/m);
    expect(m.text).toContain("Störung ansehen: https://status.example.test/incidents/1");
    expect(m.text).toContain("Abbestellen: https://status.example.test/unsubscribe/1.abc");
    expect(m.html).toContain('<html lang="de">');
    expect(m.headers["Content-Language"]).toBe("de");
  });

  it("Simplified Chinese, and English by default", () => {
    const zh = emailMessage(event, addr, "zh-CN");
    expect(zh.subject).toBe("已查明：Registry pulls failing");
    expect(zh.text).toContain("查看事件: https://status.example.test/incidents/1");
    expect(zh.text).toContain("2025年3月1日");
    const en = emailMessage(event, addr);
    expect(en.subject).toBe("Identified: Registry pulls failing");
    expect(en.text).toMatch(/^Started: Mar\s1, 2025,\s09:58\sUTC$/m);
    expect(en.headers["Content-Language"]).toBe("en");
  });
});

describe("a subscriber's mails go out in the language they subscribed in", () => {
  let t: TempDb;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTempDb();
    smtp = await startSmtpCapture();
    env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, APP_SECRET: "x".repeat(40) };
  });
  afterAll(async () => {
    await smtp?.close();
    await t?.cleanup();
  });

  it("the confirmation in German for a German reader, in the site's language for one without a language", async () => {
    const now = new Date();
    expect(
      await requestSubscription(t.db, { email: "leser@example.test" }, "127.0.0.1", "https://status.example.test", now, env, "de"),
    ).toMatchObject({ ok: true, queued: true });
    expect(
      await requestSubscription(t.db, { email: "old@example.test" }, "127.0.0.2", "https://status.example.test", now, env),
    ).toMatchObject({ ok: true, queued: true });
    expect((await t.db.subscriber.findUniqueOrThrow({ where: { email: "leser@example.test" } })).locale).toBe("de");
    expect((await t.db.subscriber.findUniqueOrThrow({ where: { email: "old@example.test" } })).locale).toBeNull();

    await new OutboxWorker(t.db, { deliver: channelDeliverer({ ...env, SITE_LOCALE: "zh-CN" }), retry: FAST }).runOnce();
    expect(smtp.mails).toHaveLength(2);
    const german = utf8(smtp.mails.find((m) => m.includes("leser@example.test"))!);
    expect(german).toMatch(/Content-Language: de/i);
    expect(german).toContain("Abonnement bestätigen: https://status.example.test/subscribe/confirm/");
    const site = smtp.mails.find((m) => m.includes("old@example.test"))!;
    expect(site).toMatch(/Content-Language: zh-CN/i);
  });

  it("a SITE_LOCALE the site does not have stops the sender with the variable and the languages named", () => {
    expect(() => channelDeliverer({ SITE_LOCALE: "fr" })).toThrow(
      'SITE_LOCALE: "fr" is not a language of this site; use one of en, de, zh-CN',
    );
  });
});
