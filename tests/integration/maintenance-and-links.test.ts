// Through the real web process: scheduling maintenance from the admin API (with the bad inputs a
// maintainer makes), the acknowledge link from a notification, and the subscriber's double opt-in
// and one-click unsubscribe with a real SMTP server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpCapture } from "../helpers/smtp-capture";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { fetchUntil, startWeb } from "../helpers/web-process";
import { hashPassword } from "@/monitors/auth/password";
import { createSession, SESSION_COOKIE } from "@/monitors/auth/sessions";
import { enqueueEvent } from "@/monitors/notify/enqueue-event";
import { incidentEvent } from "@/monitors/notify/event-builders";
import { monitorsUnderMaintenance } from "@/monitors/queries/maintenance";
import { OutboxWorker } from "@/monitors/notify/outbox-worker";
import { channelDeliverer } from "@/monitors/notify/deliver";

let t: TempDb;
let web: Awaited<ReturnType<typeof startWeb>>;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let session = "";
let monitorId = 0;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${web.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/json",
      "x-status-request": "1",
      origin: web.url,
      cookie: `${SESSION_COOKIE}=${session}`,
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, json, text, location: r.headers.get("location") };
}

/** What the agent does every second: send what the outbox holds. */
async function sendQueuedMail(): Promise<void> {
  await new OutboxWorker(t.db, {
    deliver: channelDeliverer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: "Status <status@example.com>" }),
  }).runOnce();
}

beforeAll(async () => {
  t = await createTempDb();
  smtp = await startSmtpCapture();
  const m = await t.db.monitor.create({
    data: { slug: "registry-api", name: "Registry API", kind: "http", config: {}, intervalSec: 60, timeoutMs: 5000, phaseMs: 0 },
  });
  monitorId = m.id;
  const user = await t.db.user.create({
    data: { email: "ops@example.com", role: "responder", passwordHash: await hashPassword("a long enough password") },
  });
  session = (await createSession(t.db, user.id)).token;
  web = await startWeb(t.url, { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: "Status <status@example.com>" });
  // Links in smtp.mails point at the site the web process believes it is.
  process.env.PUBLIC_URL = web.url;
});
afterAll(async () => {
  await web?.stop();
  await smtp.close();
  await t?.cleanup();
});

describe("maintenance from the admin API", () => {
  it("refuses bad windows with the field named and saves nothing", async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ title: "x", monitors: ["registry-api"], startsAt: iso(now + 3_600_000), endsAt: iso(now) }, "endsAt", /after the start/],
      [{ title: "x", monitors: ["registry-api"], startsAt: iso(now - 7_200_000), endsAt: iso(now - 3_600_000) }, "endsAt", /in the past/],
      [{ title: "x", monitors: [], startsAt: iso(now), endsAt: iso(now + 60_000) }, "monitors", /at least one/],
      [{ title: "x", monitors: ["nope"], startsAt: iso(now), endsAt: iso(now + 60_000) }, "monitors", /unknown monitor: nope/],
      [{ title: "", monitors: ["registry-api"], startsAt: iso(now), endsAt: iso(now + 60_000) }, "title", /title/],
      [{ title: "x", monitors: ["registry-api"], startsAt: "tomorrow", endsAt: iso(now + 60_000) }, "startsAt", /date and time/],
      [
        { title: "x", monitors: ["registry-api"], repeat: "recurring", recurrence: "61 * * * *", durationMinutes: 30 },
        "recurrence",
        /minute field "61"/,
      ],
      [
        {
          title: "x",
          monitors: ["registry-api"],
          repeat: "recurring",
          recurrence: "0 3 * * 0",
          timeZone: "Mars/Olympus",
          durationMinutes: 30,
        },
        "timeZone",
        /Mars\/Olympus/,
      ],
      [
        { title: "x", monitors: ["registry-api"], repeat: "recurring", recurrence: "0 * * * *", durationMinutes: 90 },
        "durationMinutes",
        /overlap.*60 minutes/,
      ],
      [{ title: "x", monitors: ["registry-api"], repeat: "recurring", recurrence: "0 3 * * 0" }, "durationMinutes", /minutes/],
    ];
    for (const [body, field, message] of cases) {
      const r = await post("/admin/api/maintenance.create", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect((r.json.errors as Record<string, string>)[field], JSON.stringify(r.json)).toMatch(message);
    }
    expect(await t.db.maintenance.count()).toBe(0);
  });

  it("schedules a window that takes the monitor into maintenance, extends it and ends it early", async () => {
    const now = Date.now();
    const r = await post("/admin/api/maintenance.create", {
      title: "Database upgrade",
      body: "Pulls may be slow.",
      monitors: ["registry-api"],
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 1_800_000).toISOString(),
    });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const m = await t.db.maintenance.findFirstOrThrow({ where: { title: "Database upgrade" } });
    expect(await monitorsUnderMaintenance(t.db)).toEqual(new Set([monitorId]));
    await fetchUntil(`${web.url}/`, (b) => b.includes("Database upgrade"));
    expect((await post("/admin/api/maintenance.extend", { id: m.id, minutes: 30 })).status).toBe(200);
    expect((await t.db.maintenance.findUniqueOrThrow({ where: { id: m.id } })).endsAt.getTime()).toBe(m.endsAt.getTime() + 1_800_000);
    expect((await post("/admin/api/maintenance.extend", { id: m.id, minutes: 0 })).json.errors).toEqual({ minutes: "at least 1 minute" });
    expect((await post("/admin/api/maintenance.end", { id: m.id })).status).toBe(200);
    expect(await monitorsUnderMaintenance(t.db)).toEqual(new Set());
    const ended = await post("/admin/api/maintenance.end", { id: m.id });
    expect(ended.status).toBe(400);
    expect((ended.json.errors as Record<string, string>).form).toMatch(/already over/);
    const actions = (await t.db.auditLog.findMany({ where: { target: `maintenance:${m.id}` }, orderBy: { id: "asc" } })).map(
      (a) => a.action,
    );
    expect(actions).toEqual(["maintenance.create", "maintenance.extend", "maintenance.end"]);
  });

  it("creates a recurring series whose occurrences are upcoming in the Statuspage API", async () => {
    const r = await post("/admin/api/maintenance.create", {
      title: "Weekly GC",
      monitors: ["registry-api"],
      repeat: "recurring",
      recurrence: "30 2 * * 0",
      timeZone: "Europe/Berlin",
      durationMinutes: 45,
    });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const occ = await t.db.maintenance.findMany({ where: { series: { title: "Weekly GC" } } });
    expect(occ.length).toBeGreaterThanOrEqual(2);
    const body = await fetchUntil(`${web.url}/api/v2/scheduled-maintenances/upcoming.json`, (b) => b.includes("Weekly GC"));
    const names = (JSON.parse(body) as { scheduled_maintenances: Array<{ name: string }> }).scheduled_maintenances.map((s) => s.name);
    expect(names.filter((n) => n === "Weekly GC").length).toBe(occ.length);
  });
});

describe("acknowledge link", () => {
  it("shows the incident on GET without acting, acknowledges once on POST, then refuses reuse", async () => {
    const channel = await t.db.notificationChannel.create({
      data: {
        name: "pager",
        kind: "webhook",
        config: { url: "http://127.0.0.1:9/", secret: "x".repeat(32) },
        onCall: true,
        enabled: false,
      },
    });
    const now = new Date();
    const incidentId = await t.db.$transaction(async (tx) => {
      const inc = await tx.incident.create({
        data: {
          title: "Pulls failing",
          startedAt: now,
          auto: true,
          monitors: { create: { monitorId } },
          updates: { create: { status: "investigating", body: "x" } },
        },
      });
      await tx.notificationChannel.update({ where: { id: channel.id }, data: { enabled: true } });
      await enqueueEvent(
        tx,
        { ...(await incidentEvent(tx, inc.id, "incident.opened", now, {}, { PUBLIC_URL: web.url })), ackIncidentId: inc.id },
        now,
        { PUBLIC_URL: web.url },
      );
      await tx.notificationChannel.update({ where: { id: channel.id }, data: { enabled: false } });
      return inc.id;
    });
    const row = await t.db.outbox.findFirstOrThrow({ where: { channelId: channel.id } });
    const ackUrl = (row.payload as { ackUrl: string }).ackUrl;
    const token = ackUrl.split("/ack/")[1];
    const page = await (await fetch(`${web.url}/ack/${token}`)).text();
    expect(page).toContain("Pulls failing");
    expect(page).toContain('action="/ack/');
    expect((await t.db.incident.findUniqueOrThrow({ where: { id: incidentId } })).acknowledgedAt).toBeNull();

    const used = await fetch(`${web.url}/ack/${token}/confirm`, { method: "POST", redirect: "manual" });
    expect(used.status).toBe(303);
    expect(used.headers.get("location")).toContain("?m=ok");
    const inc = await t.db.incident.findUniqueOrThrow({ where: { id: incidentId } });
    expect(inc.acknowledgedAt).not.toBeNull();
    expect(inc.acknowledgedById).toBeNull();
    expect(await t.db.auditLog.count({ where: { action: "incident.acknowledge", target: `incident:${incidentId}` } })).toBe(1);
    expect(await t.db.outbox.count({ where: { eventKey: `incident.acknowledged:${incidentId}` } })).toBe(0); // the only channel is disabled now

    const again = await fetch(`${web.url}/ack/${token}/confirm`, { method: "POST", redirect: "manual" });
    expect(again.headers.get("location")).not.toContain("?m=ok");
    expect(await (await fetch(`${web.url}/ack/${token}`)).text()).toContain("This link was used");
    expect(await (await fetch(`${web.url}/ack/not-a-real-token-at-all-xxxxxxxx`)).text()).toContain("This link is not valid");
    // The redirect's ?m=ok is a hint, not a fact: on a forged link the page says only "not valid".
    for (const forged of ["not-a-real-token-at-all-xxxxxxxx", "A".repeat(43)]) {
      const page = await (await fetch(`${web.url}/ack/${forged}?m=ok`)).text();
      expect(page).toContain("This link is not valid");
      expect(page).not.toContain("Acknowledged.");
    }
  });
});

describe("email subscribers", () => {
  it("double opt-in: a confirmation mail, a page that does nothing on GET, confirmation on POST", async () => {
    smtp.mails.length = 0;
    const bad = await post("/api/subscribe", { email: "not-an-address" });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual({ email: "not an email address" });
    expect((await post("/api/subscribe", { email: "x@example.com" }, { "x-status-request": "0" })).status).toBe(403);
    expect((await post("/api/subscribe", { email: "reader@example.com", monitors: ["no-such"] })).json.errors).toEqual({
      monitors: "unknown component: no-such",
    });

    const ok = await post("/api/subscribe", { email: "Reader@Example.com", monitors: ["registry-api"] });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    // The web process only queues the mail; the agent's outbox worker sends it (here: one pass in this process).
    expect(smtp.mails).toHaveLength(0);
    expect(await t.db.outbox.count({ where: { eventKey: { startsWith: "subscription.confirm:" }, status: "pending" } })).toBe(1);
    await sendQueuedMail();
    const until = Date.now() + 5000;
    while (!smtp.mails.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatch(/^To: reader@example\.com/m);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/subscribe\/confirm\/[A-Za-z0-9_-]+)/.exec(smtp.mails[0])![1];
    const page = await (await fetch(link)).text();
    expect(page).toContain("Confirm your subscription");
    expect((await t.db.subscriber.findUniqueOrThrow({ where: { email: "reader@example.com" } })).confirmedAt).toBeNull();
    const confirmed = await fetch(`${link}/submit`, { method: "POST", redirect: "manual" });
    expect(confirmed.headers.get("location")).toBe("/subscribe/result?r=confirmed");
    const sub = await t.db.subscriber.findUniqueOrThrow({ where: { email: "reader@example.com" } });
    expect(sub.confirmedAt).not.toBeNull();
    expect(sub.monitors).toEqual(["registry-api"]);
    // The same answer for an address already subscribed, and no second mail.
    const again = await post("/api/subscribe", { email: "reader@example.com" });
    expect(again.json).toEqual(ok.json);
    await sendQueuedMail();
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.mails).toHaveLength(1);
    // A used confirmation link is spent.
    expect((await fetch(`${link}/submit`, { method: "POST", redirect: "manual" })).headers.get("location")).toBe(
      "/subscribe/result?r=invalid",
    );
  });

  it("unsubscribes with one click (RFC 8058) from the link in a notification; a forged link does nothing", async () => {
    const sub = await t.db.subscriber.findUniqueOrThrow({ where: { email: "reader@example.com" } });
    const now = new Date();
    await t.db.$transaction(async (tx) => {
      const inc = await tx.incident.create({
        data: {
          title: "Slow pulls",
          startedAt: now,
          monitors: { create: { monitorId } },
          updates: { create: { status: "investigating", body: "y" } },
        },
      });
      await enqueueEvent(tx, await incidentEvent(tx, inc.id, "incident.opened", now, {}, { PUBLIC_URL: web.url }), now, {
        PUBLIC_URL: web.url,
      });
    });
    const row = await t.db.outbox.findFirstOrThrow({ where: { subscriberId: sub.id, eventKey: { startsWith: "incident." } } });
    const url = (row.payload as { unsubscribeUrl: string }).unsubscribeUrl;
    expect(url).toMatch(new RegExp(`/api/unsubscribe/${sub.id}\\.`));
    // Opening it only shows a button.
    const opened = await fetch(url, { redirect: "manual" });
    expect(opened.status).toBe(303);
    expect(await t.db.subscriber.count({ where: { id: sub.id } })).toBe(1);
    const forged = await fetch(url.replace(/\.[^.]+$/, ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(forged.status).toBe(400);
    expect(await t.db.subscriber.count({ where: { id: sub.id } })).toBe(1);
    const oneClick = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    expect(await t.db.subscriber.count({ where: { id: sub.id } })).toBe(0);
    expect(await t.db.outbox.count({ where: { target: `subscriber:${sub.id}`, status: "pending" } })).toBe(0);
  });
});
