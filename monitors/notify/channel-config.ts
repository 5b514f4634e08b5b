import { z } from "zod";
import { LOCALES } from "../i18n/locales";

/**
 * Settings of each notification channel kind, stored as JSON in NotificationChannel.config
 * (the kind is its own column). Validated when saved and again before every send, because the
 * stored JSON may predate a schema change.
 */
export const CHANNEL_KINDS = ["webhook", "slack", "discord", "email"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const MIN_WEBHOOK_SECRET = 16;
export const MAX_EMAIL_RECIPIENTS = 20;

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? "Required" : what);

const httpUrl = z.url({ protocol: /^https?$/, error: required("Must be an http:// or https:// URL") });

const webhookSchema = z.object({
  url: httpUrl,
  secret: z
    .string({ error: required("Must be a string") })
    .min(MIN_WEBHOOK_SECRET, `Must be at least ${MIN_WEBHOOK_SECRET} characters (it is the HMAC signing key)`),
});

/**
 * The language a channel's messages are written in (a channel's readers share one); without it,
 * SITE_LOCALE. Webhooks carry data, not prose, and have none.
 */
const channelLocale = z.enum(LOCALES, { error: `Must be one of ${LOCALES.join(", ")}` }).optional();

const slackSchema = z.object({ url: httpUrl, locale: channelLocale });
const discordSchema = z.object({ url: httpUrl, locale: channelLocale });

const emailSchema = z.object({
  to: z
    .array(z.email({ error: (issue) => `${JSON.stringify(issue.input)} is not a valid email address` }), {
      error: required("Must be a list of email addresses"),
    })
    .min(1, "Add at least one email address")
    .max(MAX_EMAIL_RECIPIENTS, `At most ${MAX_EMAIL_RECIPIENTS} email addresses`),
  locale: channelLocale,
});

export const CHANNEL_CONFIG_SCHEMAS = {
  webhook: webhookSchema,
  slack: slackSchema,
  discord: discordSchema,
  email: emailSchema,
} as const;

export type WebhookConfig = z.infer<typeof webhookSchema>;
export type SlackConfig = z.infer<typeof slackSchema>;
export type DiscordConfig = z.infer<typeof discordSchema>;
export type EmailConfig = z.infer<typeof emailSchema>;

export type ChannelConfig =
  | ({ kind: "webhook" } & WebhookConfig)
  | ({ kind: "slack" } & SlackConfig)
  | ({ kind: "discord" } & DiscordConfig)
  | ({ kind: "email" } & EmailConfig);

export type ParsedChannelConfig = { ok: true; config: ChannelConfig } | { ok: false; errors: Record<string, string> };

export function isChannelKind(kind: string): kind is ChannelKind {
  return (CHANNEL_KINDS as readonly string[]).includes(kind);
}

/** Validates a channel's stored config; errors are keyed by field so a form can show them in place. */
export function parseChannelConfig(kind: string, config: unknown): ParsedChannelConfig {
  if (!isChannelKind(kind)) return { ok: false, errors: { kind: `Must be one of ${CHANNEL_KINDS.join(", ")}` } };
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    return { ok: false, errors: { config: "Must be an object" } };
  }
  const r = CHANNEL_CONFIG_SCHEMAS[kind].safeParse(config);
  if (!r.success) {
    const errors: Record<string, string> = {};
    for (const issue of r.error.issues) {
      const field = issue.path.length > 0 ? String(issue.path[0]) : "config";
      errors[field] ??= issue.message;
    }
    return { ok: false, errors };
  }
  return { ok: true, config: { kind, ...r.data } as ChannelConfig };
}
