import { truncate } from "./truncate";
import type { DiscordConfig } from "./channel-config";
import { postChatMessage, type PostOptions } from "./http-post";
import type { NotificationEvent } from "./notification-event";
import { localizedHeadline, storedWord } from "./localized-headline";
import { translator } from "../i18n/translator";
import { BASE_LOCALE, type Locale } from "../i18n/locales";

/**
 * Discord incoming-webhook message: one embed. Discord renders Markdown itself, so the update
 * body goes in as written; `allowed_mentions: { parse: [] }` is what keeps an "@everyone" or a
 * role mention in that text from pinging anyone.
 */

// Discord's documented embed limits; the whole embed must also stay under 6000 characters.
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4096;
const FIELD_NAME_MAX = 256;
const FIELD_VALUE_MAX = 1024;
const FIELDS_MAX = 25;
// Discord allows 2048; a site name needs far less, and the rest of the budget serves the body.
const FOOTER_MAX = 256;
const EMBED_TOTAL_MAX = 6000;

const GREEN = 0x2ecc71;
const RED = 0xe74c3c;
const ORANGE = 0xe67e22;
const BLUE = 0x3498db;
const GREY = 0x95a5a6;

interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

/** Discord's timestamp markup shows the time in each reader's own zone. */
function discordTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `<t:${Math.floor(ms / 1000)}:f>`;
}

function safeLink(url: string | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

export function eventColor(event: NotificationEvent): number {
  if (event.type === "incident.resolved" || event.type === "maintenance.ended") return GREEN;
  if (event.type.startsWith("maintenance.")) return BLUE;
  switch (event.incident?.impact) {
    case "critical":
    case "major":
      return RED;
    case "minor":
      return ORANGE;
    default:
      return GREY;
  }
}

/** The message in the channel's language (its `locale`, else SITE_LOCALE); times stay Discord's own, in each reader's zone. */
export function discordMessage(event: NotificationEvent, locale: Locale = BASE_LOCALE): object {
  const tr = translator(locale);
  const incident = event.incident;
  const maintenance = event.maintenance;
  const fields: EmbedField[] = [];
  const add = (name: string, value: string, inline = true) => {
    if (value && fields.length < FIELDS_MAX)
      fields.push({ name: truncate(name, FIELD_NAME_MAX), value: truncate(value, FIELD_VALUE_MAX), inline });
  };

  if (incident) {
    add(tr.t("email.status"), storedWord(tr, "incidentStatus", incident.status));
    add(tr.t("email.impact"), storedWord(tr, "impact", incident.impact));
    add(tr.t("email.started"), discordTime(incident.startedAt));
    if (incident.resolvedAt) add(tr.t("email.resolved"), discordTime(incident.resolvedAt));
    if (incident.acknowledgedBy) add(tr.t("email.acknowledgedBy"), incident.acknowledgedBy);
    if (incident.unacknowledgedMinutes !== undefined) add(tr.t("email.unacknowledgedFor"), tr.minutes(incident.unacknowledgedMinutes));
  } else if (maintenance) {
    add(tr.t("email.starts"), discordTime(maintenance.startsAt));
    add(tr.t("email.ends"), discordTime(maintenance.endsAt));
    add(tr.t("chat.timeZone"), maintenance.timeZone);
  }
  const monitors = (incident ?? maintenance)?.monitors ?? [];
  if (monitors.length > 0) add(tr.t("chat.affectedMonitors"), monitors.map((m) => m.name).join(", "), false);
  const ackUrl = safeLink(event.ackUrl);
  if (ackUrl) add(tr.t("email.acknowledge"), `[${tr.t("chat.acknowledgeIncident")}](${ackUrl})`, false);

  const title = truncate(localizedHeadline(event, tr), TITLE_MAX);
  const footer = truncate(event.site.name, FOOTER_MAX);
  // Whatever room the other parts leave goes to the description, so the 6000 total holds.
  const used = title.length + footer.length + fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const body = incident?.update?.body ?? maintenance?.body ?? "";
  const description = truncate(body, Math.min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - used));

  const embed: Record<string, unknown> = { title, color: eventColor(event), fields, footer: { text: footer } };
  if (description) embed.description = description;
  const url = safeLink(incident?.url ?? maintenance?.url);
  if (url) embed.url = url;
  const at = Date.parse(event.occurredAt);
  if (!Number.isNaN(at)) embed.timestamp = new Date(at).toISOString();

  return { username: "OpenRegistry status", embeds: [embed], allowed_mentions: { parse: [] } };
}

export async function sendDiscord(
  config: DiscordConfig,
  event: NotificationEvent,
  opts: PostOptions = {},
  siteLocale: Locale = BASE_LOCALE,
): Promise<void> {
  await postChatMessage(config.url, discordMessage(event, config.locale ?? siteLocale), opts);
}
