import { truncate } from "./truncate";
import type { SlackConfig } from "./channel-config";
import { postChatMessage, type PostOptions } from "./http-post";
import { markdownToText } from "../presentation/markdown";
import type { NotificationEvent } from "./notification-event";
import { localizedHeadline, storedWord } from "./localized-headline";
import { translator } from "../i18n/translator";
import { BASE_LOCALE, type Locale } from "../i18n/locales";

/**
 * Slack incoming-webhook message (Block Kit). Slack's mrkdwn turns `<…>` into links and
 * mentions (<!channel>, <url|label>), so every piece of maintainer or config text placed in a
 * mrkdwn field goes through escapeSlack; only the date tokens built here use angle brackets.
 */

// Slack's documented limits.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const BUTTON_URL_MAX = 3000;

/** Slack asks for exactly these three to be escaped, nothing else. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts like truncate, and never inside an escape entity. */
function truncateEscaped(text: string, max: number): string {
  // After escapeSlack every "&" starts an entity, so a trailing "&" without ";" is half of one.
  return text.length <= max ? text : truncate(text, max).replace(/&[a-z]*…$/, "…");
}

/** A date Slack shows in each reader's time zone, with the UTC ISO time as fallback text. */
function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeSlack(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
}

function field(label: string, value: string) {
  return { type: "mrkdwn", text: truncateEscaped(`*${label}*\n${value}`, FIELD_MAX) };
}

function safeLink(url: string | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) && url.length <= BUTTON_URL_MAX ? url : undefined;
}

/** The message in the channel's language (its `locale`, else SITE_LOCALE); times stay Slack's own, in each reader's zone. */
export function slackMessage(event: NotificationEvent, locale: Locale = BASE_LOCALE): object {
  const tr = translator(locale);
  const headline = localizedHeadline(event, tr);
  const incident = event.incident;
  const maintenance = event.maintenance;
  const blocks: object[] = [{ type: "header", text: { type: "plain_text", text: truncateEscaped(headline, HEADER_MAX), emoji: false } }];

  const fields: object[] = [];
  if (incident) {
    fields.push(
      field(tr.t("email.status"), escapeSlack(storedWord(tr, "incidentStatus", incident.status))),
      field(tr.t("email.impact"), escapeSlack(storedWord(tr, "impact", incident.impact))),
    );
    fields.push(field(tr.t("email.started"), slackDate(incident.startedAt)));
    if (incident.resolvedAt) fields.push(field(tr.t("email.resolved"), slackDate(incident.resolvedAt)));
    if (incident.acknowledgedBy) fields.push(field(tr.t("email.acknowledgedBy"), escapeSlack(incident.acknowledgedBy)));
    if (incident.unacknowledgedMinutes !== undefined)
      fields.push(field(tr.t("email.unacknowledgedFor"), tr.minutes(incident.unacknowledgedMinutes)));
  } else if (maintenance) {
    fields.push(field(tr.t("email.starts"), slackDate(maintenance.startsAt)), field(tr.t("email.ends"), slackDate(maintenance.endsAt)));
    fields.push(field(tr.t("chat.timeZone"), escapeSlack(maintenance.timeZone)));
  }
  if (fields.length > 0) blocks.push({ type: "section", fields });

  const body = incident?.update?.body ?? maintenance?.body ?? "";
  const bodyText = markdownToText(body);
  if (bodyText) blocks.push({ type: "section", text: { type: "mrkdwn", text: truncateEscaped(escapeSlack(bodyText), SECTION_MAX) } });

  const monitors = (incident ?? maintenance)?.monitors ?? [];
  if (monitors.length > 0) {
    const names = monitors.map((m) => m.name).join(", ");
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: truncateEscaped(tr.t("chat.affected", { names: escapeSlack(names) }), FIELD_MAX) }],
    });
  }

  const buttons: object[] = [];
  const viewUrl = safeLink(incident?.url ?? maintenance?.url);
  if (viewUrl) {
    buttons.push({
      type: "button",
      text: { type: "plain_text", text: tr.t(incident ? "email.viewIncident" : "email.viewMaintenance") },
      url: viewUrl,
      action_id: "view",
    });
  }
  const ackUrl = safeLink(event.ackUrl);
  if (ackUrl)
    buttons.push({
      type: "button",
      text: { type: "plain_text", text: tr.t("email.acknowledge") },
      url: ackUrl,
      style: "primary",
      action_id: "acknowledge",
    });
  if (buttons.length > 0) blocks.push({ type: "actions", elements: buttons });

  return {
    // Shown in notifications and by clients that cannot render blocks; also mrkdwn.
    text: truncateEscaped(escapeSlack(headline), SECTION_MAX),
    blocks,
    // Links in a maintainer's text should not pull previews into the channel.
    unfurl_links: false,
    unfurl_media: false,
  };
}

export async function sendSlack(
  config: SlackConfig,
  event: NotificationEvent,
  opts: PostOptions = {},
  siteLocale: Locale = BASE_LOCALE,
): Promise<void> {
  await postChatMessage(config.url, slackMessage(event, config.locale ?? siteLocale), opts);
}
