import { requireUser } from "../_lib/require-user";
import { AdminNav } from "../_ui/AdminNav";
import { CommandForm } from "../_ui/CommandForm";
import { sharedDb } from "@/monitors/queries/shared-db";
import { adminChannels, monitorChoices } from "@/monitors/queries/admin-views";
import { CHANNEL_KINDS } from "@/monitors/notify/channel-config";
import { LOCALES, LOCALE_NAMES } from "@/monitors/i18n/locales";
import { EVENT_TYPES } from "@/monitors/notify/notification-event";

export const dynamic = "force-dynamic";
export const metadata = { title: "Channels · OpenRegistry status", robots: { index: false } };

export default async function Channels() {
  const user = await requireUser("/admin/channels", "channel.write");
  const db = await sharedDb();
  const [channels, monitors] = await Promise.all([adminChannels(db), monitorChoices(db)]);
  return (
    <>
      <AdminNav user={user} />
      <h2>Notification channels</h2>
      <table className="admin-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Sends to</th>
            <th>Events</th>
            <th>Monitors</th>
            <th>On call</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c.id} data-testid="channel">
              <td>{c.name}</td>
              <td>{c.kind}</td>
              <td>{c.destination}</td>
              <td>{c.events.length ? c.events.join(", ") : "all"}</td>
              <td>{c.monitors.length ? c.monitors.join(", ") : "all"}</td>
              <td>{c.onCall ? "yes" : "no"}</td>
              <td className="row">
                <CommandForm
                  action="channel.enable"
                  fields={[
                    { kind: "hidden", name: "id", value: String(c.id) },
                    { kind: "hidden", name: "enabled", value: c.enabled ? "" : "1" },
                  ]}
                  submit={c.enabled ? "Disable" : "Enable"}
                  inline
                />
                <CommandForm
                  action="channel.delete"
                  fields={[{ kind: "hidden", name: "id", value: String(c.id) }]}
                  submit="Delete"
                  inline
                  danger
                  confirm={`Delete channel ${c.name}? Undelivered messages to it are dropped.`}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <section aria-labelledby="new-channel-h">
        <h3 id="new-channel-h">Add a channel</h3>
        <CommandForm
          action="channel.create"
          submit="Add channel"
          fields={[
            { kind: "text", name: "name", label: "Name" },
            { kind: "select", name: "kind", label: "Kind", options: CHANNEL_KINDS.map((k) => ({ value: k, label: k })) },
            {
              kind: "text",
              name: "url",
              label: "URL (webhook, Slack, Discord)",
              help: "Slack and Discord: the incoming-webhook URL. Shown later by host only.",
            },
            {
              kind: "password",
              name: "secret",
              label: "Signing secret (webhook, at least 16 characters)",
              help: "Receivers verify x-status-signature with it (see README).",
            },
            { kind: "textarea", name: "to", label: "Email recipients (email; one per line)", rows: 2 },
            {
              kind: "select",
              name: "locale",
              label: "Language (Slack, Discord, email)",
              options: [
                { value: "", label: "The site's (SITE_LOCALE)" },
                ...LOCALES.map((l) => ({ value: l, label: `${LOCALE_NAMES[l]} (${l})` })),
              ],
            },
            {
              kind: "checkboxes",
              name: "events",
              label: "Events (none ticked: all)",
              options: EVENT_TYPES.map((e) => ({ value: e, label: e })),
            },
            {
              kind: "checkboxes",
              name: "monitors",
              label: "Monitors (none ticked: all)",
              options: monitors.map((m) => ({ value: m.slug, label: m.name })),
            },
            { kind: "checkbox", name: "onCall", label: "On call: gets acknowledge links and reminders for unacknowledged incidents" },
          ]}
        />
      </section>
    </>
  );
}
