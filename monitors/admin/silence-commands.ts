import { z } from "zod";
import { defineCommand, FieldError, NotFoundError, auditedAs } from "./admin-command";
import { audit } from "../auth/audit";

const MAX_MINUTES = 7 * 24 * 60;
const slug = z.string({ error: "a monitor slug" }).regex(/^[a-z0-9-]{1,64}$/, "not a monitor slug");

/**
 * Holds the maintainers' channel notifications about a monitor for a while (a known flapping
 * check, work that is not worth a maintenance window). The monitor is still probed; its state,
 * incidents, public page and subscribers' mails are unchanged: a silence hides nothing public.
 */
export const silenceMonitor = defineCommand({
  permission: "incident.write",
  input: z.object({
    slug,
    minutes: z.coerce
      .number({ error: "a number of minutes" })
      .int("whole minutes")
      .min(1, "at least 1 minute")
      .max(MAX_MINUTES, "at most 7 days"),
    reason: z.string({ error: "must be text" }).trim().max(500, "at most 500 characters").default(""),
  }),
  async run({ db, actor, now }, input) {
    const until = new Date(now.getTime() + input.minutes * 60_000);
    await db.$transaction(async (tx) => {
      const m = await tx.monitor.findUnique({ where: { slug: input.slug }, select: { id: true, archivedAt: true } });
      if (!m || m.archivedAt) throw new NotFoundError(`monitor ${input.slug} does not exist`);
      await tx.monitorSilence.upsert({
        where: { monitorId: m.id },
        create: { monitorId: m.id, until, reason: input.reason, createdAt: now },
        update: { until, reason: input.reason, createdAt: now },
      });
      await audit(tx, {
        ...auditedAs(actor),
        action: "monitor.silence",
        target: `monitor:${input.slug}`,
        details: { until: until.toISOString(), reason: input.reason },
        at: now,
      });
    });
    return {
      message: `Alerts about ${input.slug} are silenced until ${until.toISOString()}.`,
      data: { slug: input.slug, silencedUntil: until.toISOString() },
    };
  },
});

export const unsilenceMonitor = defineCommand({
  permission: "incident.write",
  input: z.object({ slug }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const m = await tx.monitor.findUnique({ where: { slug: input.slug }, select: { id: true, silence: true } });
      if (!m) throw new NotFoundError(`monitor ${input.slug} does not exist`);
      if (!m.silence || m.silence.until <= now) throw new FieldError("form", `${input.slug} is not silenced`);
      await tx.monitorSilence.delete({ where: { monitorId: m.id } });
      await audit(tx, { ...auditedAs(actor), action: "monitor.unsilence", target: `monitor:${input.slug}`, at: now });
    });
    return {};
  },
});
