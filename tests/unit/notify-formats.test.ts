import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { parseChannelConfig } from "@/monitors/notify/channel-config";
import { DeliveryError, httpDeliveryError, isPermanentHttpStatus, parseRetryAfter } from "@/monitors/notify/delivery-error";
import { signWebhook, verifyWebhookSignature } from "@/monitors/notify/webhook";
import { slackMessage } from "@/monitors/notify/slack";
import { discordMessage, eventColor } from "@/monitors/notify/discord";
import { emailMessage } from "@/monitors/notify/email";
import type { NotificationEvent } from "@/monitors/notify/notification-event";

// The same idea as tests/unit/markdown.test.ts: known XSS and injection payloads, here through every format.
const PAYLOADS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "![x](javascript:alert(1))",
  '![x" onerror="alert(1)](https://example.com/a.png)',
  '<a href="javascript:alert(1)">x</a>',
  "<svg onload=alert(1)>",
  '[x](https://ok.test" onmouseover="alert(1))',
  "<<script>script>alert(1)<</script>/script>",
  "<!channel> <!here> <@U123> <https://evil.test|click here> &amp;",
  "@everyone @here <@&123456>",
];

const base = {
  occurredAt: "2025-03-01T10:15:00.000Z",
  site: { name: "OpenRegistry status", url: "https://status.example.test" },
};

function incident(body: string, over: Partial<NotificationEvent> = {}, title = "Registry pulls failing"): NotificationEvent {
  return {
    ...base,
    id: "incident.opened:1",
    type: "incident.opened",
    incident: {
      id: 1,
      title,
      status: "investigating",
      impact: "critical",
      url: "https://status.example.test/incidents/1",
      startedAt: "2025-03-01T10:00:00.000Z",
      resolvedAt: null,
      monitors: [{ slug: "api", name: "Registry API" }],
      update: { status: "investigating", body, createdAt: "2025-03-01T10:15:00.000Z" },
    },
    ...over,
  };
}

function maintenance(body: string, type: NotificationEvent["type"] = "maintenance.scheduled"): NotificationEvent {
  return {
    ...base,
    id: `${type}:4`,
    type,
    maintenance: {
      id: 4,
      title: "Database upgrade",
      body,
      startsAt: "2025-03-02T22:00:00.000Z",
      endsAt: "2025-03-02T23:30:00.000Z",
      timeZone: "Europe/Berlin",
      url: "https://status.example.test/maintenance/4",
      monitors: [{ slug: "db", name: "Metadata DB" }],
    },
  };
}

describe("channel config", () => {
  it("accepts valid configs and tags them with their kind", () => {
    expect(parseChannelConfig("webhook", { url: "https://hooks.example.test/x", secret: "0123456789abcdef" })).toEqual({
      ok: true,
      config: { kind: "webhook", url: "https://hooks.example.test/x", secret: "0123456789abcdef" },
    });
    expect(parseChannelConfig("slack", { url: "https://hooks.slack.com/services/T/B/X" }).ok).toBe(true);
    expect(parseChannelConfig("discord", { url: "https://discord.com/api/webhooks/1/abc" }).ok).toBe(true);
    expect(parseChannelConfig("email", { to: ["a@example.test", "b@example.test"] }).ok).toBe(true);
  });

  it("keys errors by field", () => {
    const r = parseChannelConfig("webhook", { url: "javascript:alert(1)", secret: "short" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(["secret", "url"]);
    expect(r.errors.url).toMatch(/http/);
    expect(r.errors.secret).toMatch(/16/);

    const missing = parseChannelConfig("slack", {});
    expect(!missing.ok && missing.errors.url).toBe("Required");
    const ftp = parseChannelConfig("discord", { url: "ftp://x.test/" });
    expect(!ftp.ok && ftp.errors.url).toMatch(/http/);

    const bad = parseChannelConfig("email", { to: ["ok@example.test", "nope"] });
    expect(!bad.ok && bad.errors.to).toContain('"nope"');
    const none = parseChannelConfig("email", { to: [] });
    expect(!none.ok && none.errors.to).toBeTruthy();
    const many = parseChannelConfig("email", { to: Array.from({ length: 21 }, (_, i) => `u${i}@example.test`) });
    expect(!many.ok && many.errors.to).toMatch(/20/);

    const kind = parseChannelConfig("pagerduty", {});
    expect(!kind.ok && kind.errors.kind).toMatch(/webhook, slack, discord, email/);
  });
});

describe("delivery errors", () => {
  it("classifies HTTP statuses", () => {
    for (const s of [400, 401, 403, 404, 410, 413, 422]) expect(isPermanentHttpStatus(s), String(s)).toBe(true);
    for (const s of [408, 425, 429, 500, 502, 503, 504]) expect(isPermanentHttpStatus(s), String(s)).toBe(false);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2025-03-01T10:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Sat, 01 Mar 2025 10:01:30 GMT", now)).toBe(90_000);
    expect(parseRetryAfter("Sat, 01 Mar 2025 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(httpDeliveryError(429, "x", "3").retryAfterMs).toBe(3000);
    expect(httpDeliveryError(500, "x", "3").retryAfterMs).toBeUndefined();
    const e = httpDeliveryError(404, "gone", undefined);
    expect(e).toBeInstanceOf(DeliveryError);
    expect(e).toBeInstanceOf(Error);
    expect(e.permanent).toBe(true);
  });
});

describe("webhook signature", () => {
  const secret = "0123456789abcdef-secret";
  const body = JSON.stringify({ hello: "wörld" });

  it("is HMAC-SHA256 over `${t}.${body}`", () => {
    const expected = createHmac("sha256", secret).update(`1700000000.${body}`).digest("hex");
    expect(signWebhook(secret, body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it("verifies, and rejects tampering, staleness and malformed headers", () => {
    const h = signWebhook(secret, body, 1700000000);
    expect(verifyWebhookSignature(secret, h, body, { nowSec: 1700000100 })).toBe(true);
    expect(verifyWebhookSignature(secret, h, body, { nowSec: 1699999800 })).toBe(true);
    expect(verifyWebhookSignature(secret, h, body, { nowSec: 1700000301 })).toBe(false);
    expect(verifyWebhookSignature(secret, h, body, { nowSec: 1699999699 })).toBe(false);
    expect(verifyWebhookSignature(secret, h, `${body} `, { nowSec: 1700000000 })).toBe(false);
    expect(verifyWebhookSignature("wrong-secret-0123456789", h, body, { nowSec: 1700000000 })).toBe(false);
    // A signature moved to another timestamp does not verify.
    expect(verifyWebhookSignature(secret, h.replace("t=1700000000", "t=1700000001"), body, { nowSec: 1700000000 })).toBe(false);
    for (const bad of [
      "",
      "garbage",
      "t=1700000000",
      "v1=abc",
      "t=abc,v1=00",
      `t=1700000000,v1=${"0".repeat(64)}`,
      "t=1700000000,v1=short",
    ]) {
      expect(verifyWebhookSignature(secret, bad, body, { nowSec: 1700000000 }), bad).toBe(false);
    }
    expect(verifyWebhookSignature(secret, undefined, body)).toBe(false);
    // Rotation: any of several v1 values may match.
    const v1 = h.split("v1=")[1];
    expect(verifyWebhookSignature(secret, `t=1700000000,v1=${"f".repeat(64)},v1=${v1}`, body, { nowSec: 1700000000 })).toBe(true);
  });
});

/** Every mrkdwn text (and the fallback text) of a Slack message. */
function slackTexts(msg: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.type === "mrkdwn" && typeof o.text === "string") out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(msg);
  out.push((msg as { text: string }).text);
  return out;
}

describe("Slack format", () => {
  for (const p of PAYLOADS) {
    it(`escapes: ${p}`, () => {
      const msg = slackMessage(incident(p, {}, `Title ${p}`));
      for (const text of slackTexts(msg)) {
        // The only angle brackets allowed are the date tokens built by the formatter.
        expect(text.replace(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|[0-9TZ:.-]+>/g, "")).not.toMatch(/[<>]/);
        expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }
    });
  }

  it("keeps every section within Slack's limits, without cutting an entity", () => {
    const body = "a & b < c ".repeat(1000);
    const msg = slackMessage(incident(body, {}, "T".repeat(400))) as { blocks: { type: string; text?: { text: string } }[]; text: string };
    const header = msg.blocks.find((b) => b.type === "header")!;
    expect(header.text!.text.length).toBeLessThanOrEqual(150);
    for (const text of slackTexts(msg)) {
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(text).not.toMatch(/&[a-z]*…/);
    }
    const section = msg.blocks.filter((b) => b.type === "section" && b.text)[0];
    expect(section.text!.text.endsWith("…")).toBe(true);
  });

  it("shows maintenance times and no acknowledge button without ackUrl", () => {
    const msg = slackMessage(maintenance("Upgrading to v16.")) as {
      blocks: { type: string; fields?: { text: string }[]; elements?: { text: { text: string } }[] }[];
    };
    const fields = msg.blocks.find((b) => b.fields)!.fields!.map((f) => f.text);
    expect(fields[0]).toBe(
      `*Starts*\n<!date^${Date.parse("2025-03-02T22:00:00Z") / 1000}^{date_short_pretty} {time}|2025-03-02T22:00:00.000Z>`,
    );
    expect(fields[1]).toContain("2025-03-02T23:30:00.000Z");
    expect(fields[2]).toContain("Europe/Berlin");
    const actions = msg.blocks.find((b) => b.type === "actions")!;
    expect(actions.elements!.map((e) => e.text.text)).toEqual(["View maintenance"]);
  });
});

describe("Discord format", () => {
  it("never parses mentions", () => {
    for (const p of PAYLOADS)
      expect((discordMessage(incident(p)) as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [] });
  });

  it("colours by type and impact", () => {
    expect(eventColor(incident("x"))).toBe(0xe74c3c);
    expect(eventColor(incident("x", { type: "incident.resolved" }))).toBe(0x2ecc71);
    const minor = incident("x");
    minor.incident!.impact = "minor";
    expect(eventColor(minor)).toBe(0xe67e22);
    expect(eventColor(maintenance("x"))).toBe(0x3498db);
    expect(eventColor(maintenance("x", "maintenance.ended"))).toBe(0x2ecc71);
  });

  it("stays within embed limits", () => {
    const e = incident("b".repeat(10_000), { ackUrl: "https://status.example.test/ack/x" }, "t".repeat(1000));
    e.incident!.monitors = Array.from({ length: 300 }, (_, i) => ({ slug: `m${i}`, name: `Monitor number ${i}` }));
    const embed = (
      discordMessage(e) as {
        embeds: { title: string; description: string; fields: { name: string; value: string }[]; footer: { text: string } }[];
      }
    ).embeds[0];
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.description.length).toBeLessThanOrEqual(4096);
    expect(embed.fields.length).toBeLessThanOrEqual(25);
    for (const f of embed.fields) expect(f.value.length).toBeLessThanOrEqual(1024);
    const total =
      embed.title.length +
      embed.description.length +
      embed.footer.text.length +
      embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
  });

  it("uses Discord timestamps for maintenance windows", () => {
    const embed = (discordMessage(maintenance("x")) as { embeds: { fields: { name: string; value: string }[] }[] }).embeds[0];
    expect(embed.fields.find((f) => f.name === "Starts")!.value).toBe(`<t:${Date.parse("2025-03-02T22:00:00Z") / 1000}:f>`);
  });
});

describe("email format", () => {
  const addr = { from: "Status <status@example.test>", to: "reader@example.test" };

  for (const p of PAYLOADS) {
    it(`HTML is inert: ${p}`, () => {
      const { html, subject } = emailMessage(
        incident(p, { ackUrl: "javascript:alert(1)", unsubscribeUrl: "https://status.example.test/u?t=1" }, `Title ${p}`),
        addr,
      );
      expect(html).not.toMatch(/<script/i);
      for (const tag of html.match(/<[a-z][^>]*>/gi) ?? []) {
        expect(tag).toMatch(
          /^<(html|head|meta|title|body|div|h1|table|tr|th|td|p|a|code|pre|strong|em|ul|ol|li|br|blockquote|h[1-6]|hr|del|s)[\s>/]/i,
        );
        expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
        expect(tag).not.toMatch(/(href|src)="\s*(javascript|vbscript|data):/i);
      }
      expect(subject).not.toMatch(/[\r\n]/);
    });
  }

  it("makes a single-line subject of at most 200 characters", () => {
    const { subject } = emailMessage(incident("x", {}, `Broken\r\nBcc: victim@example.test\u0000\u0085 ${"x".repeat(300)}`), addr);
    expect(subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(subject.startsWith("Incident: Broken Bcc: victim@example.test")).toBe(true);
    expect(subject.length).toBeLessThanOrEqual(200);
  });

  it("writes UTC times, links and the maintainer's zone in the text part", () => {
    const { text, headers } = emailMessage(maintenance("Upgrading **Postgres**."), addr);
    // Readable UTC in the recipient's language (English here), as the status page shows times.
    expect(text).toMatch(/Starts: Mar\s2, 2025,\s22:00\sUTC \(/);
    expect(text).toContain("Europe/Berlin)");
    expect(text).toContain("Upgrading Postgres.");
    expect(text).toContain("View maintenance: https://status.example.test/maintenance/4");
    expect(headers["List-Unsubscribe"]).toBeUndefined();
  });

  it("adds RFC 8058 headers only with an unsubscribe URL", () => {
    const { headers, text } = emailMessage(incident("x", { unsubscribeUrl: "https://status.example.test/u?t=1" }), addr);
    expect(headers["List-Unsubscribe"]).toBe("<https://status.example.test/u?t=1>");
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(text).toContain("Unsubscribe: https://status.example.test/u?t=1");
  });
});
