// Chat messages in the channel's language: Slack and Discord channels may name a `locale` (a
// channel's readers share one), else they get SITE_LOCALE; webhooks carry data and have none.
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseChannelConfig } from "@/monitors/notify/channel-config";
import { slackMessage } from "@/monitors/notify/slack";
import { discordMessage } from "@/monitors/notify/discord";
import { sendToChannel } from "@/monitors/notify/send-to-channel";
import type { NotificationEvent } from "@/monitors/notify/notification-event";

const event: NotificationEvent = {
  id: "incident.reminder:7",
  type: "incident.reminder",
  occurredAt: "2025-03-01T10:15:00.000Z",
  site: { name: "OpenRegistry status", url: "https://status.example.test" },
  ackUrl: "https://status.example.test/ack/abc",
  incident: {
    id: 7,
    title: "Registry pulls failing",
    status: "identified",
    impact: "major",
    url: "https://status.example.test/incidents/7",
    startedAt: "2025-03-01T10:00:00.000Z",
    resolvedAt: null,
    unacknowledgedMinutes: 15,
    monitors: [{ slug: "api", name: "Registry API" }],
  },
};

const text = (message: object) => JSON.stringify(message);

describe("chat messages in the channel's language", () => {
  it("Slack: headline, field labels, stored words, buttons and the affected line", () => {
    const en = text(slackMessage(event, "en"));
    expect(en).toContain("Unacknowledged for 15 min: Registry pulls failing");
    expect(en).toContain("*Status*\\nIdentified");
    expect(en).toContain("Affected: Registry API");
    const de = text(slackMessage(event, "de"));
    expect(de).toMatch(/"Seit 15\sMin\. unbestätigt: Registry pulls failing"/);
    expect(de).toContain("*Auswirkung*\\nerheblich");
    expect(de).toContain("*Status*\\nUrsache erkannt");
    expect(de).toContain("Betroffen: Registry API");
    expect(de).toContain('"text":"Bestätigen"');
    expect(de).not.toMatch(/Unacknowledged|Impact|Affected|View incident/);
    const zh = text(slackMessage(event, "zh-CN"));
    expect(zh).toContain("受影响：Registry API");
    expect(zh).toContain("查看事件");
  });

  it("Discord: the embed's title, field names and the acknowledge link's words", () => {
    const de = discordMessage(event, "de") as { embeds: Array<{ title: string; fields: Array<{ name: string; value: string }> }> };
    expect(de.embeds[0].title).toMatch(/^Seit 15\sMin\. unbestätigt: /);
    expect(de.embeds[0].fields.map((f) => f.name)).toEqual([
      "Status",
      "Auswirkung",
      "Begonnen",
      "Unbestätigt seit",
      "Betroffene Monitore",
      "Bestätigen",
    ]);
    expect(de.embeds[0].fields.at(-1)!.value).toBe("[Diese Störung bestätigen](https://status.example.test/ack/abc)");
    const zh = text(discordMessage(event, "zh-CN"));
    expect(zh).toContain("受影响的监控项");
    expect(zh).not.toMatch(/Acknowledge|Affected/);
  });

  it("a channel's locale must be one of the site's; without one it is left out; a webhook has none", () => {
    expect(parseChannelConfig("slack", { url: "https://hooks.slack.test/x", locale: "fr" })).toEqual({
      ok: false,
      errors: { locale: "Must be one of en, de, zh-CN" },
    });
    expect(parseChannelConfig("discord", { url: "https://discord.test/x", locale: "zh-CN" })).toEqual({
      ok: true,
      config: { kind: "discord", url: "https://discord.test/x", locale: "zh-CN" },
    });
    expect(parseChannelConfig("email", { to: ["ops@example.test"], locale: "de" })).toMatchObject({ ok: true, config: { locale: "de" } });
    expect(parseChannelConfig("slack", { url: "https://hooks.slack.test/x" })).toEqual({
      ok: true,
      config: { kind: "slack", url: "https://hooks.slack.test/x" },
    });
    const webhook = parseChannelConfig("webhook", { url: "https://hook.test/x", secret: "0123456789abcdef", locale: "de" });
    expect(webhook.ok && "locale" in webhook.config).toBe(false);
  });

  describe("delivery: the channel's locale, else the site's", () => {
    let server: Server | undefined;
    afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

    async function receiver(): Promise<{ url: string; bodies: string[] }> {
      const bodies: string[] = [];
      server = createServer((req, res) => {
        let b = "";
        req.on("data", (c) => (b += c));
        req.on("end", () => {
          bodies.push(b);
          res.end("ok");
        });
      });
      await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
      return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`, bodies };
    }

    it("a Slack channel without a locale speaks SITE_LOCALE; one with a locale speaks its own", async () => {
      const { url, bodies } = await receiver();
      const deps = { smtp: null, from: "status@example.test", locale: "de" as const, timeoutMs: 5000 };
      await sendToChannel({ kind: "slack", config: { url } }, event, deps);
      await sendToChannel({ kind: "slack", config: { url, locale: "zh-CN" } }, event, deps);
      await sendToChannel({ kind: "discord", config: { url, locale: "en" } }, event, deps);
      expect(bodies).toHaveLength(3);
      expect(bodies[0]).toContain("unbestätigt: Registry pulls failing");
      expect(bodies[1]).toContain("未确认时长");
      expect(bodies[2]).toContain("Unacknowledged for 15 min");
    });
  });
});
