import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { Transporter } from "nodemailer";
import { startHttp } from "../helpers/loopback";
import { DeliveryError } from "@/monitors/notify/delivery-error";
import { postJson } from "@/monitors/notify/http-post";
import { verifyWebhookSignature } from "@/monitors/notify/webhook";
import { smtpTransportFromEnv, emailFrom } from "@/monitors/notify/email";
import { sendToChannel, sendToSubscriber } from "@/monitors/notify/send-to-channel";
import type { NotificationEvent } from "@/monitors/notify/notification-event";

const SECRET = "whsec-0123456789abcdef";
const EVIL = "<!channel> <https://evil.test|click> & @everyone";
const XSS = "Still **broken**.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<img src=x onerror=alert(1)>";

function incidentEvent(body: string, extra: Partial<NotificationEvent> = {}): NotificationEvent {
  return {
    id: "incident.updated:12:3",
    type: "incident.updated",
    occurredAt: "2025-03-01T10:15:00.000Z",
    site: { name: "OpenRegistry status", url: "https://status.example.test" },
    incident: {
      id: 12,
      title: "Registry pulls failing",
      status: "identified",
      impact: "major",
      url: "https://status.example.test/incidents/12",
      startedAt: "2025-03-01T09:58:00.000Z",
      resolvedAt: null,
      monitors: [
        { slug: "registry", name: "Registry API", impact: "major" },
        { slug: "cdn", name: "Blob CDN" },
      ],
      update: { status: "identified", body, createdAt: "2025-03-01T10:15:00.000Z" },
    },
    ...extra,
  };
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A loopback receiver that records each POST and answers with a scripted response per path. */
async function receiver() {
  const got: Received[] = [];
  const srv = await startHttp((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      got.push({ path, headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
      if (path.startsWith("/status/500")) {
        res.writeHead(500, { "content-type": "text/plain" });
        return res.end("internal\nerror");
      }
      if (path.startsWith("/status/410")) {
        res.writeHead(410);
        return res.end("channel_is_archived");
      }
      if (path.startsWith("/status/429")) {
        res.writeHead(429, { "retry-after": "7" });
        return res.end();
      }
      if (path.startsWith("/status/503")) {
        res.writeHead(503, { "retry-after": new Date(Date.now() + 60_000).toUTCString() });
        return res.end();
      }
      if (path.startsWith("/status/404")) {
        // Like Express's default page: it echoes the secret path back.
        res.writeHead(404, { "content-type": "text/html" });
        return res.end(`<pre>Cannot POST ${path}</pre>`);
      }
      if (path.startsWith("/hang")) return; // never answers
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  return { ...srv, got };
}

let http: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  http = await receiver();
});
afterAll(async () => {
  await http.close();
});

async function deliveryError(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe("generic webhook", () => {
  it("posts the event signed, and the receiver can verify the raw body", async () => {
    const event = incidentEvent(EVIL);
    await sendToChannel({ kind: "webhook", config: { url: `${http.url}/hooks/wh`, secret: SECRET } }, event, {
      smtp: null,
      from: "x@y.test",
    });
    const req = http.got.find((r) => r.path === "/hooks/wh")!;
    expect(req).toBeDefined();
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["user-agent"]).toBe("openregistry-status");
    expect(req.headers["x-status-event"]).toBe("incident.updated");
    expect(req.headers["x-status-delivery"]).toBe(event.id);
    expect(JSON.parse(req.raw)).toEqual(event);

    const header = String(req.headers["x-status-signature"]);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, header, req.raw)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, Buffer.from(req.raw))).toBe(true);
    expect(verifyWebhookSignature("another-secret-0123456789", header, req.raw)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, req.raw.replace("major", "minor"))).toBe(false);

    const t = Number(/t=(\d+)/.exec(header)![1]);
    expect(verifyWebhookSignature(SECRET, header, req.raw, { nowSec: t + 301 })).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, req.raw, { nowSec: t + 299 })).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, req.raw, { nowSec: t + 3600, toleranceSec: 7200 })).toBe(true);
  });
});

describe("postJson errors", () => {
  const post = (path: string, timeoutMs?: number) =>
    postJson(`${http.url}${path}`, "{}", { "content-type": "application/json" }, { timeoutMs });

  it("a 500 is transient and names status and host, not the path", async () => {
    const err = await deliveryError(post("/status/500/hooks/SECRETPATH"));
    expect(err.permanent).toBe(false);
    expect(err.retryAfterMs).toBeUndefined();
    expect(err.message).toContain("500");
    expect(err.message).toContain(`127.0.0.1:${http.port}`);
    expect(err.message).toContain('"internal error"');
    expect(err.message).not.toContain("SECRETPATH");
  });

  it("a 410 is permanent", async () => {
    const err = await deliveryError(post("/status/410/hooks/SECRETPATH"));
    expect(err.permanent).toBe(true);
    expect(err.message).toContain("410");
    expect(err.message).toContain("channel_is_archived");
    expect(err.message).not.toContain("SECRETPATH");
  });

  it("a 429 with Retry-After in seconds sets retryAfterMs", async () => {
    const err = await deliveryError(post("/status/429/hooks/SECRETPATH"));
    expect(err.permanent).toBe(false);
    expect(err.retryAfterMs).toBe(7000);
  });

  it("a 503 with Retry-After as an HTTP date sets retryAfterMs", async () => {
    const err = await deliveryError(post("/status/503/hooks/SECRETPATH"));
    expect(err.permanent).toBe(false);
    expect(err.retryAfterMs).toBeGreaterThan(50_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("an error page that echoes the URL does not leak the path", async () => {
    const err = await deliveryError(post("/status/404/hooks/SECRETPATH?token=SECRETQUERY"));
    expect(err.permanent).toBe(true);
    expect(err.message).toContain("Cannot POST");
    expect(err.message).not.toContain("SECRETPATH");
    expect(err.message).not.toContain("SECRETQUERY");
  });

  it("a server that never answers times out, transiently", async () => {
    const started = Date.now();
    const err = await deliveryError(post("/hang/hooks/SECRETPATH", 300));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/timed out/);
    expect(err.message).not.toContain("SECRETPATH");
  });

  it("a refused connection is transient", async () => {
    const closed = await startHttp(() => {});
    await closed.close();
    const err = await deliveryError(postJson(`${closed.url}/hooks/SECRETPATH`, "{}", {}));
    expect(err.permanent).toBe(false);
    expect(err.message).not.toContain("SECRETPATH");
  });
});

describe("chat webhooks", () => {
  const ack = { ackUrl: "https://status.example.test/ack/tok123" };

  it("Slack: Block Kit with escaped user text and link buttons", async () => {
    await sendToChannel({ kind: "slack", config: { url: `${http.url}/services/T000/B000/SLACKSECRET` } }, incidentEvent(EVIL, ack), {
      smtp: null,
      from: "x@y.test",
    });
    const req = http.got.find((r) => r.path.includes("SLACKSECRET"))!;
    expect(req.headers["content-type"]).toBe("application/json");
    const msg = JSON.parse(req.raw);
    expect(msg.text).toBe("Identified: Registry pulls failing");
    const types = msg.blocks.map((b: { type: string }) => b.type);
    expect(types).toEqual(["header", "section", "section", "context", "actions"]);
    expect(msg.blocks[0].text).toEqual({ type: "plain_text", text: "Identified: Registry pulls failing", emoji: false });

    const bodyText: string = msg.blocks[2].text.text;
    expect(msg.blocks[2].text.type).toBe("mrkdwn");
    // markdownToText drops ">" (blockquote markers); what matters is that no "<" survives.
    expect(bodyText).toBe("&lt;!channel &lt;https://evil.test|click &amp; @everyone");
    expect(bodyText).not.toContain("<");
    // No mrkdwn text anywhere carries the raw mention or link syntax.
    expect(req.raw).not.toContain("<!channel>");
    expect(req.raw).not.toContain("<https://evil.test");

    expect(msg.blocks[3].elements[0].text).toBe("Affected: Registry API, Blob CDN");
    const buttons = msg.blocks[4].elements;
    expect(buttons.map((b: { text: { text: string } }) => b.text.text)).toEqual(["View incident", "Acknowledge"]);
    expect(buttons[0].url).toBe("https://status.example.test/incidents/12");
    expect(buttons[1].url).toBe(ack.ackUrl);
  });

  it("Discord: one embed, no mentions parsed, acknowledge link", async () => {
    await sendToChannel({ kind: "discord", config: { url: `${http.url}/api/webhooks/1/DISCORDSECRET` } }, incidentEvent(EVIL, ack), {
      smtp: null,
      from: "x@y.test",
    });
    const req = http.got.find((r) => r.path.includes("DISCORDSECRET"))!;
    const msg = JSON.parse(req.raw);
    expect(msg.username).toBe("OpenRegistry status");
    expect(msg.allowed_mentions).toEqual({ parse: [] });
    expect(msg.embeds).toHaveLength(1);
    const e = msg.embeds[0];
    expect(e.title).toBe("Identified: Registry pulls failing");
    expect(e.description).toBe(EVIL);
    expect(e.url).toBe("https://status.example.test/incidents/12");
    expect(e.color).toBe(0xe74c3c);
    expect(e.timestamp).toBe("2025-03-01T10:15:00.000Z");
    const fields = Object.fromEntries(e.fields.map((f: { name: string; value: string }) => [f.name, f.value]));
    // The status as the pages and mails say it (the catalog's word, in the channel's language).
    expect(fields.Status).toBe("Identified");
    expect(fields.Impact).toBe("major");
    expect(fields["Affected monitors"]).toBe("Registry API, Blob CDN");
    expect(fields.Acknowledge).toContain(ack.ackUrl);
  });

  it("an invalid stored config is a permanent error naming the field", async () => {
    const err = await deliveryError(
      sendToChannel({ kind: "slack", config: { url: "ftp://x.test/y" } }, incidentEvent("x"), { smtp: null, from: "x@y.test" }),
    );
    expect(err.permanent).toBe(true);
    expect(err.message).toContain("url");
    const unknown = await deliveryError(sendToChannel({ kind: "pager", config: {} }, incidentEvent("x"), { smtp: null, from: "x@y.test" }));
    expect(unknown.permanent).toBe(true);
    expect(unknown.message).toContain("kind");
  });
});

// ---- email ----

interface Mime {
  headers: Map<string, string>;
  body: string;
}

/** Just enough MIME for nodemailer's output: unfolded headers and a decoded body per part. */
function parseMime(raw: string): Mime {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}

function decodeBody(part: Mime): string {
  const cte = (part.headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  if (cte === "base64") return Buffer.from(part.body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (cte === "quoted-printable") {
    const soft = part.body.replace(/=\r\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft.slice(i + 1, i + 3);
      if (soft[i] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i], "utf8"));
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return part.body;
}

function parts(msg: Mime): Mime[] {
  const type = msg.headers.get("content-type") ?? "";
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (!boundary) return [msg];
  return msg.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .flatMap((p) => parts(parseMime(p.replace(/^\r\n/, ""))));
}

describe("email over SMTP", () => {
  const received: { from: string; to: string[]; raw: string }[] = [];
  let smtp: SMTPServer;
  let port: number;
  let transport: Transporter;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onAuth(auth, _session, cb) {
        if (auth.password === "right-password") return cb(null, { user: auth.username });
        const err = Object.assign(new Error("Invalid username or password"), { responseCode: 535 });
        cb(err);
      },
      onRcptTo(address, _session, cb) {
        if (address.address.startsWith("reject@")) return cb(Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 }));
        if (address.address.startsWith("busy@")) return cb(Object.assign(new Error("Try again later"), { responseCode: 451 }));
        cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
    port = (smtp.server.address() as AddressInfo).port;
    transport = smtpTransportFromEnv({ SMTP_URL: `smtp://127.0.0.1:${port}` })!;
  });

  afterAll(async () => {
    transport?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it("returns null without SMTP_URL, and a default sender", () => {
    expect(smtpTransportFromEnv({})).toBeNull();
    expect(emailFrom({})).toBe("OpenRegistry status <status@localhost>");
    expect(emailFrom({ SMTP_FROM: "Status <status@example.test>" })).toBe("Status <status@example.test>");
  });

  it("sends text and safe HTML parts with one-click unsubscribe headers", async () => {
    const event = incidentEvent(XSS, { unsubscribeUrl: "https://status.example.test/unsubscribe?t=abc123" });
    await sendToSubscriber("reader@example.test", event, { smtp: transport, from: "Status <status@example.test>" });
    const mail = received.find((m) => m.to.includes("reader@example.test"))!;
    expect(mail).toBeDefined();
    expect(mail.from).toBe("status@example.test");

    const msg = parseMime(mail.raw);
    expect(msg.headers.get("subject")).toBe("Identified: Registry pulls failing");
    expect(msg.headers.get("list-unsubscribe")).toBe("<https://status.example.test/unsubscribe?t=abc123>");
    expect(msg.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    expect(msg.headers.get("auto-submitted")).toBe("auto-generated");

    const all = parts(msg);
    const text = all.find((p) => p.headers.get("content-type")?.startsWith("text/plain"));
    const html = all.find((p) => p.headers.get("content-type")?.startsWith("text/html"));
    expect(text).toBeDefined();
    expect(html).toBeDefined();

    const plain = decodeBody(text!);
    expect(plain).toContain("Still broken.");
    expect(plain).toMatch(/Started: Mar\s1, 2025,\s09:58\sUTC/);
    expect(plain).toContain("View incident: https://status.example.test/incidents/12");
    expect(plain).toContain("Unsubscribe: https://status.example.test/unsubscribe?t=abc123");

    const markup = decodeBody(html!);
    expect(markup).toContain("<strong>broken</strong>");
    expect(markup).toContain("&lt;script&gt;");
    expect(markup).not.toMatch(/<script/i);
    // The Markdown link stays as inert text; no tag may carry a javascript: URL or a handler.
    for (const tag of markup.match(/<[a-z][^>]*>/gi) ?? []) {
      expect(tag).not.toMatch(/javascript:/i);
      expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
    }
    expect(markup).not.toMatch(/<img/i);
    expect(markup).toContain('href="https://status.example.test/unsubscribe?t=abc123"');
  });

  it("sends a channel email to every configured address", async () => {
    await sendToChannel(
      { kind: "email", config: { to: ["oncall-a@example.test", "oncall-b@example.test"] } },
      incidentEvent("x", { ackUrl: "https://status.example.test/ack/t1" }),
      {
        smtp: transport,
        from: "status@example.test",
      },
    );
    const mail = received.find((m) => m.to.includes("oncall-a@example.test"))!;
    expect(mail.to).toEqual(["oncall-a@example.test", "oncall-b@example.test"]);
    const plain = decodeBody(parts(parseMime(mail.raw)).find((p) => p.headers.get("content-type")?.startsWith("text/plain"))!);
    expect(plain).toContain("Acknowledge: https://status.example.test/ack/t1");
    expect(parseMime(mail.raw).headers.has("list-unsubscribe")).toBe(false);
  });

  it("a 550 rejected recipient is permanent, a 451 transient", async () => {
    const rejected = await deliveryError(
      sendToSubscriber("reject@example.test", incidentEvent("x"), { smtp: transport, from: "status@example.test" }),
    );
    expect(rejected.permanent).toBe(true);
    expect(rejected.message).toContain("550");
    const busy = await deliveryError(
      sendToSubscriber("busy@example.test", incidentEvent("x"), { smtp: transport, from: "status@example.test" }),
    );
    expect(busy.permanent).toBe(false);
  });

  it("an invalid address or missing SMTP is permanent", async () => {
    const bad = await deliveryError(
      sendToSubscriber("not an address", incidentEvent("x"), { smtp: transport, from: "status@example.test" }),
    );
    expect(bad.permanent).toBe(true);
    const none = await deliveryError(
      sendToChannel({ kind: "email", config: { to: ["a@example.test"] } }, incidentEvent("x"), { smtp: null, from: "status@example.test" }),
    );
    expect(none.permanent).toBe(true);
    expect(none.message).toBe("SMTP_URL is not set");
  });

  it("a failed login is permanent and never shows the credentials", async () => {
    const withAuth = smtpTransportFromEnv({ SMTP_URL: `smtp://mailer:wr%40ng-pass-9@127.0.0.1:${port}` })!;
    try {
      const err = await deliveryError(
        sendToSubscriber("reader@example.test", incidentEvent("x"), { smtp: withAuth, from: "status@example.test" }),
      );
      expect(err.permanent).toBe(true);
      expect(err.message).toContain("535");
      expect(err.message).not.toContain("wr@ng-pass-9");
      expect(err.message).not.toContain(Buffer.from("\0mailer\0wr@ng-pass-9").toString("base64"));
    } finally {
      withAuth.close();
    }
    const good = smtpTransportFromEnv({ SMTP_URL: `smtp://mailer:right-password@127.0.0.1:${port}` })!;
    try {
      await sendToSubscriber("authed@example.test", incidentEvent("x"), { smtp: good, from: "status@example.test" });
      expect(received.some((m) => m.to.includes("authed@example.test"))).toBe(true);
    } finally {
      good.close();
    }
  });

  it("an SMTP server that is down is transient", async () => {
    const closed = await startHttp(() => {});
    await closed.close();
    const down = smtpTransportFromEnv({ SMTP_URL: `smtp://127.0.0.1:${closed.port}` })!;
    try {
      const err = await deliveryError(
        sendToSubscriber("reader@example.test", incidentEvent("x"), { smtp: down, from: "status@example.test" }),
      );
      expect(err.permanent).toBe(false);
    } finally {
      down.close();
    }
  });
});
