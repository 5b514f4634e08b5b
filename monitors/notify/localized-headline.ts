import type { NotificationEvent } from "./notification-event";
import type { MessageKey, Translator } from "../i18n/translator";

// The event's words in a reader's language, shared by the mails (the recipient's language) and
// the chat messages (the channel's `locale`, else SITE_LOCALE).

/** A stored word (an incident's status or impact) in the reader's language; unknown ones as stored. */
export function storedWord(tr: Translator, prefix: "incidentStatus" | "impact", value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  return key in tr.messages ? tr.t(key) : value;
}

/** A short sentence for the event in the reader's language: a mail's subject, a chat message's first line. */
export function localizedHeadline(e: NotificationEvent, tr: Translator): string {
  const i = e.incident;
  const title = (i ?? e.maintenance)?.title ?? "";
  switch (e.type) {
    case "incident.updated": {
      const status = storedWord(tr, "incidentStatus", i?.update?.status ?? i?.status ?? "");
      return tr.t("headline.incident.updated", { status: status.charAt(0).toLocaleUpperCase(tr.locale) + status.slice(1), title });
    }
    case "incident.acknowledged":
      return i?.acknowledgedBy
        ? tr.t("headline.incident.acknowledgedBy", { who: i.acknowledgedBy, title })
        : tr.t("headline.incident.acknowledged", { title });
    case "incident.reminder":
      return tr.t("headline.incident.reminder", {
        duration: i?.unacknowledgedMinutes === undefined ? "?" : tr.minutes(i.unacknowledgedMinutes),
        title,
      });
    default:
      return tr.t(`headline.${e.type}`, { title });
  }
}
