import type { Transporter } from "nodemailer";
import { z } from "zod";
import { parseChannelConfig } from "./channel-config";
import { DeliveryError } from "./delivery-error";
import { sendDiscord } from "./discord";
import { emailMessage, sendEmail } from "./email";
import type { NotificationEvent } from "./notification-event";
import { sendSlack } from "./slack";
import { sendWebhook } from "./webhook";
import { BASE_LOCALE, type Locale } from "../i18n/locales";

export interface SendDeps {
  /** Null when SMTP_URL is unset: email targets then fail permanently instead of queueing forever. */
  smtp: Transporter | null;
  from: string;
  timeoutMs?: number;
  /** Aborts an HTTP delivery in flight (shutdown). */
  signal?: AbortSignal;
  /** The language of maintainers' channels that name none (SITE_LOCALE); English when not given. */
  locale?: Locale;
}

/**
 * Delivers one event to one configured channel. The stored config is validated again here:
 * a bad one cannot be fixed by retrying, so it fails permanently with the field named.
 */
export async function sendToChannel(channel: { kind: string; config: unknown }, event: NotificationEvent, deps: SendDeps): Promise<void> {
  const parsed = parseChannelConfig(channel.kind, channel.config);
  if (!parsed.ok) {
    const problems = Object.entries(parsed.errors).map(([field, message]) => `${field}: ${message}`);
    throw new DeliveryError(`invalid ${channel.kind} channel config (${problems.join("; ")})`, { permanent: true });
  }
  const config = parsed.config;
  const http = { timeoutMs: deps.timeoutMs, signal: deps.signal };
  switch (config.kind) {
    case "webhook":
      return sendWebhook(config, event, http);
    case "slack":
      return sendSlack(config, event, http, deps.locale);
    case "discord":
      return sendDiscord(config, event, http, deps.locale);
    case "email":
      await sendEmail(
        requireSmtp(deps),
        emailMessage(event, { from: deps.from, to: config.to }, config.locale ?? deps.locale ?? BASE_LOCALE),
      );
      return;
  }
}

const emailAddress = z.email();

/** One subscriber's copy of an event (subscribers get their own unsubscribe link, so one message each), in their language. */
export async function sendToSubscriber(
  email: string,
  event: NotificationEvent,
  deps: SendDeps,
  locale: Locale = deps.locale ?? BASE_LOCALE,
): Promise<void> {
  if (!emailAddress.safeParse(email).success) throw new DeliveryError("invalid subscriber email address", { permanent: true });
  await sendEmail(requireSmtp(deps), emailMessage(event, { from: deps.from, to: email }, locale));
}

function requireSmtp(deps: SendDeps): Transporter {
  if (!deps.smtp) throw new DeliveryError("SMTP_URL is not set", { permanent: true });
  return deps.smtp;
}
