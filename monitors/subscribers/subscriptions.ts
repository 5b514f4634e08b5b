import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import { newToken, tokenHash, TOKEN_SHAPE } from "../auth/session-token";
import { normaliseEmail } from "../auth/login";
import { appSecret, deriveToken, tokenMatches } from "../auth/app-secret";
import { hit } from "../auth/rate-limit";
import { siteInfo } from "../notify/site";
import { CONFIRMATION_KIND, type ConfirmationRequest } from "../notify/confirmation-request";
import type { Locale } from "../i18n/locales";
import { HOUR_MS } from "../core/duration";

/** Unconfirmed sign-ups expire: an address nobody confirmed is forgotten after this long. */
export const CONFIRM_TTL_MS = 48 * HOUR_MS;

export const subscribeInput = z.object({
  email: z.email({ error: "not an email address" }).max(254, "too long"),
  monitors: z
    .array(z.string().regex(/^[a-z0-9-]{1,64}$/, "unknown component"))
    .max(500)
    .default([]),
});

/** What was wrong, for the sign-up form to say in the reader's language (subscribe.error.<code> in the catalogs). */
export type SubscribeErrorCode = "email" | "tooLong" | "monitors" | "unknownComponent" | "tooMany";

export type SubscribeResult =
  | { ok: true; email: string; queued: boolean }
  | { ok: false; field: string; error: string; code: SubscribeErrorCode; slugs?: string };

/**
 * Double opt-in, step one. Whatever the address's state, the answer is the same ("check your
 * inbox"), so the form cannot be used to learn who subscribes: both paths count the same limits,
 * and the confirmation mail is queued in the outbox (sent by the agent), never sent while the
 * request waits. Only the hash of the confirm token is kept on the subscriber; the link itself
 * lives in the queued mail. `siteUrl` must come from PUBLIC_URL or an allowed host (public-url.ts).
 * `locale` is the language the reader sees the site in (monitors/i18n/negotiate.ts): their mails,
 * the confirmation first, are written in it.
 */
export async function requestSubscription(
  db: Db,
  raw: unknown,
  ip: string,
  siteUrl: string,
  now = new Date(),
  env: Env = process.env,
  locale: Locale | null = null,
): Promise<SubscribeResult> {
  const parsed = subscribeInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? "email");
    const code = field === "email" ? (issue.code === "too_big" ? "tooLong" : "email") : "monitors";
    return { ok: false, field, error: issue.message, code };
  }
  const email = normaliseEmail(parsed.data.email);
  const known = await db.monitor.findMany({
    where: { slug: { in: parsed.data.monitors }, isPublic: true, archivedAt: null },
    select: { slug: true },
  });
  const unknown = parsed.data.monitors.filter((s) => !known.some((k) => k.slug === s));
  if (unknown.length)
    return {
      ok: false,
      field: "monitors",
      error: `unknown component: ${unknown.join(", ")}`,
      code: "unknownComponent",
      slugs: unknown.join(", "),
    };
  const perIp = await hit(db, `subscribe-ip:${ip}`, { limit: 10, windowMs: HOUR_MS, now });
  if (!perIp.allowed) return { ok: false, field: "email", error: "too many sign-ups from this address; try again later", code: "tooMany" };

  // One confirmation mail per address per 10 minutes, so the form cannot flood someone's inbox.
  // Counted for every address, subscribed or not, so both take the same path this far.
  const perEmail = await hit(db, `subscribe-email:${email}`, { limit: 1, windowMs: 600_000, now });
  const existing = await db.subscriber.findUnique({ where: { email } });
  // Already subscribed: keep the choice they confirmed; changing it needs the link in their mail.
  if (existing?.confirmedAt || !perEmail.allowed) return { ok: true, email, queued: false };
  const token = newToken();
  const data = { monitors: parsed.data.monitors, confirmTokenHash: tokenHash(token), createdAt: now, locale };
  await db.$transaction(async (tx) => {
    const s = existing
      ? await tx.subscriber.update({ where: { id: existing.id }, data })
      : await tx.subscriber.create({ data: { email, ...data, unsubscribeTokenHash: `pending:${newToken()}` } });
    const secret = await appSecret(tx, env);
    await tx.subscriber.update({
      where: { id: s.id },
      data: { unsubscribeTokenHash: tokenHash(deriveToken(secret, "unsubscribe", s.id)) },
    });
    const mail: ConfirmationRequest = {
      kind: CONFIRMATION_KIND,
      site: { name: siteInfo(env).name },
      confirmUrl: `${siteUrl}/subscribe/confirm/${token}`,
    };
    await tx.outbox.create({
      data: {
        eventKey: `${CONFIRMATION_KIND}:${s.id}:${now.getTime()}`,
        target: `subscriber:${s.id}`,
        subscriberId: s.id,
        payload: mail as unknown as Prisma.InputJsonValue,
        nextAttemptAt: now,
      },
    });
  });
  return { ok: true, email, queued: true };
}

export async function confirmSubscription(db: Db, token: string, now = new Date()): Promise<{ ok: boolean; message: string }> {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, message: "This link is not valid." };
  const s = await db.subscriber.findFirst({ where: { confirmTokenHash: tokenHash(token) } });
  if (!s) return { ok: false, message: "This link is not valid or was already used." };
  if (now.getTime() - s.createdAt.getTime() > CONFIRM_TTL_MS) {
    await db.subscriber.delete({ where: { id: s.id } });
    return { ok: false, message: "This link has expired. Subscribe again to get a new one." };
  }
  await db.subscriber.update({ where: { id: s.id }, data: { confirmedAt: now, confirmTokenHash: null } });
  return { ok: true, message: "Subscribed. You will get an email when an incident or maintenance affects what you chose." };
}

/** Parses "<id>.<token>" from an unsubscribe link and checks the token against the app secret. */
export async function unsubscribe(db: Db, idAndToken: string, env: Env = process.env): Promise<{ ok: boolean; message: string }> {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{20,100})$/.exec(idAndToken);
  if (!m) return { ok: false, message: "This link is not valid." };
  const id = Number(m[1]);
  if (!tokenMatches(await appSecret(db, env), "unsubscribe", id, m[2])) return { ok: false, message: "This link is not valid." };
  await db.$transaction([
    db.outbox.deleteMany({ where: { subscriberId: id, status: { not: "delivered" } } }),
    db.outbox.updateMany({ where: { subscriberId: id }, data: { subscriberId: null } }),
    db.subscriber.deleteMany({ where: { id } }),
  ]);
  // Unknown ids answer the same: unsubscribing twice is not an error.
  return { ok: true, message: "Unsubscribed. You will get no more emails from this status page." };
}

/**
 * Forgets sign-ups nobody confirmed, and confirmation mails whose link has expired (their queued
 * copy holds the link itself, which is no longer of use to anyone) (housekeeping).
 */
export async function purgeUnconfirmed(db: Db, now = Date.now()): Promise<number> {
  const expired = new Date(now - CONFIRM_TTL_MS);
  const [, r] = await db.$transaction([
    db.outbox.deleteMany({ where: { eventKey: { startsWith: `${CONFIRMATION_KIND}:` }, createdAt: { lt: expired } } }),
    db.subscriber.deleteMany({ where: { confirmedAt: null, createdAt: { lt: expired } } }),
  ]);
  return r.count;
}
