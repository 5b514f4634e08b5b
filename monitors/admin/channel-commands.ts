import { z } from "zod";
import { Prisma } from "@prisma/client";
import { defineCommand, FieldError, auditedAs } from "./admin-command";
import { id, slugList } from "./form-fields";
import { audit } from "../auth/audit";
import { monitorIdsBySlug } from "./monitor-slugs";
import { CHANNEL_KINDS, parseChannelConfig } from "../notify/channel-config";
import { EVENT_TYPES } from "../notify/notification-event";
import { LOCALES } from "../i18n/locales";

export const createChannel = defineCommand({
  permission: "channel.write",
  input: z.object({
    name: z.string({ error: "a name is needed" }).trim().min(1, "a name is needed").max(80, "at most 80 characters"),
    kind: z.enum(CHANNEL_KINDS, { error: `pick one of ${CHANNEL_KINDS.join(", ")}` }),
    url: z.string().trim().max(2000).default(""),
    secret: z.string().max(500).default(""),
    /** Email recipients, separated by commas or new lines. */
    to: z.string().max(5000).default(""),
    events: z.array(z.enum(EVENT_TYPES, { error: "unknown event" })).default([]),
    monitors: slugList,
    onCall: z.coerce.boolean().default(false),
    /** The messages' language (Slack, Discord, email); empty: the site's (SITE_LOCALE). */
    locale: z.enum(["", ...LOCALES], { error: `pick one of ${LOCALES.join(", ")}` }).default(""),
  }),
  async run({ db, actor, now }, input) {
    const locale = input.locale ? { locale: input.locale } : {};
    const raw =
      input.kind === "email"
        ? { to: input.to.split(/[\s,;]+/).filter(Boolean), ...locale }
        : input.kind === "webhook"
          ? { url: input.url, secret: input.secret }
          : { url: input.url, ...locale };
    const parsed = parseChannelConfig(input.kind, raw);
    if (!parsed.ok) {
      const [field, message] = Object.entries(parsed.errors)[0];
      throw new FieldError(field.split(".")[0], message);
    }
    const { kind: _kind, ...config } = parsed.config;
    await monitorIdsBySlug(db, input.monitors);
    try {
      await db.$transaction(async (tx) => {
        const c = await tx.notificationChannel.create({
          data: { name: input.name, kind: input.kind, config, events: input.events, monitors: input.monitors, onCall: input.onCall },
        });
        // The audit log names the channel, never its URL or secret.
        await audit(tx, {
          ...auditedAs(actor),
          action: "channel.create",
          target: `channel:${c.id}`,
          details: { name: input.name, kind: input.kind, events: input.events, onCall: input.onCall },
          at: now,
        });
      });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
        throw new FieldError("name", "a channel with this name exists");
      throw e;
    }
    return {};
  },
});

export const setChannelEnabled = defineCommand({
  permission: "channel.write",
  input: z.object({ id, enabled: z.coerce.boolean() }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const c = await tx.notificationChannel.findUnique({ where: { id: input.id } });
      if (!c) throw new FieldError("form", `channel ${input.id} does not exist`);
      await tx.notificationChannel.update({ where: { id: c.id }, data: { enabled: input.enabled } });
      await audit(tx, {
        ...auditedAs(actor),
        action: input.enabled ? "channel.enable" : "channel.disable",
        target: `channel:${c.id}`,
        at: now,
      });
    });
    return {};
  },
});

export const deleteChannel = defineCommand({
  permission: "channel.write",
  input: z.object({ id }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const c = await tx.notificationChannel.findUnique({ where: { id: input.id } });
      if (!c) throw new FieldError("form", `channel ${input.id} does not exist`);
      // Undelivered messages die with the channel; delivered ones stay as history.
      await tx.outbox.deleteMany({ where: { channelId: c.id, status: { not: "delivered" } } });
      await tx.outbox.updateMany({ where: { channelId: c.id }, data: { channelId: null } });
      await tx.notificationChannel.delete({ where: { id: c.id } });
      await audit(tx, { ...auditedAs(actor), action: "channel.delete", target: `channel:${c.id}`, details: { name: c.name }, at: now });
    });
    return {};
  },
});

/** Sends a failed delivery again from the start of its retry schedule. */
export const retryDelivery = defineCommand({
  permission: "outbox.retry",
  input: z.object({ id }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const row = await tx.outbox.findUnique({ where: { id: input.id } });
      if (!row) throw new FieldError("form", `delivery ${input.id} does not exist`);
      if (row.status !== "failed") throw new FieldError("form", `delivery ${input.id} is ${row.status}, not failed`);
      await tx.outbox.update({ where: { id: row.id }, data: { status: "pending", attempts: 0, nextAttemptAt: now } });
      await audit(tx, {
        ...auditedAs(actor),
        action: "outbox.retry",
        target: `outbox:${row.id}`,
        details: { eventKey: row.eventKey, target: row.target },
        at: now,
      });
    });
    return {};
  },
});
