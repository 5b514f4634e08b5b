import { requireUser } from "../_lib/require-user";
import { AdminNav } from "../_ui/AdminNav";
import { CommandForm } from "../_ui/CommandForm";
import { sharedDb } from "@/monitors/queries/shared-db";
import { adminMaintenances, monitorChoices } from "@/monitors/queries/admin-views";
import { describeRecurrence, parseRecurrence } from "@/monitors/maintenance/recurrence";
import { LocalTime } from "@/app/_ui/LocalTime";

export const dynamic = "force-dynamic";
export const metadata = { title: "Maintenance · OpenRegistry status", robots: { index: false } };

function windowState(m: { startsAt: Date; endsAt: Date; cancelledAt: Date | null }, now: number): string {
  if (m.cancelledAt && m.cancelledAt.getTime() <= m.startsAt.getTime()) return "cancelled";
  const end = m.cancelledAt && m.cancelledAt < m.endsAt ? m.cancelledAt : m.endsAt;
  if (end.getTime() <= now) return m.cancelledAt ? "ended early" : "completed";
  return m.startsAt.getTime() <= now ? "in progress" : "scheduled";
}

export default async function MaintenanceAdmin() {
  const user = await requireUser("/admin/maintenance", "maintenance.write");
  const db = await sharedDb();
  const [{ series, windows }, monitors] = await Promise.all([adminMaintenances(db), monitorChoices(db)]);
  const now = Date.now();
  return (
    <>
      <AdminNav user={user} />
      <h2>Maintenance</h2>
      <section aria-labelledby="windows-h">
        <h3 id="windows-h">Windows</h3>
        {windows.length === 0 && <p>None in the last week or ahead.</p>}
        <ul className="admin-list">
          {windows.map((m) => {
            const state = windowState(m, now);
            const open = state === "scheduled" || state === "in progress";
            return (
              <li key={m.id} id={`m${m.id}`} data-testid="maintenance-window">
                <strong>{m.title}</strong> <span className="pill">{state}</span> {m.seriesId && <span className="pill">recurring</span>}
                <div className="meta">
                  <LocalTime iso={m.startsAt.toISOString()} /> →{" "}
                  <LocalTime iso={(m.cancelledAt && m.cancelledAt < m.endsAt ? m.cancelledAt : m.endsAt).toISOString()} /> ·{" "}
                  {m.monitors.map((x) => x.monitor.name).join(", ")}
                </div>
                {open && (
                  <div className="row">
                    <CommandForm
                      action="maintenance.end"
                      fields={[{ kind: "hidden", name: "id", value: String(m.id) }]}
                      submit={state === "in progress" ? "End now" : "Cancel"}
                      inline
                      danger
                    />
                    <CommandForm
                      action="maintenance.extend"
                      fields={[
                        { kind: "hidden", name: "id", value: String(m.id) },
                        { kind: "number", name: "minutes", label: "Extend by (minutes)", defaultValue: "30" },
                      ]}
                      submit="Extend"
                      inline
                    />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="series-h">
        <h3 id="series-h">Recurring series</h3>
        {series.length === 0 && <p>None.</p>}
        <ul className="admin-list">
          {series.map((s) => {
            const rule = parseRecurrence(s.recurrence!, s.timeZone);
            return (
              <li key={s.id} id={`m${s.id}`}>
                <strong>{s.title}</strong> · {rule.ok ? describeRecurrence(rule.rule) : s.recurrence} for {s.durationMinutes} min{" "}
                {s.cancelledAt && <span className="pill">stopped</span>}
                <div className="meta">{s.monitors.map((x) => x.monitor.name).join(", ")}</div>
                {!s.cancelledAt && (
                  <CommandForm
                    action="maintenance.end"
                    fields={[{ kind: "hidden", name: "id", value: String(s.id) }]}
                    submit="Stop series"
                    inline
                    danger
                    confirm="Stop this series and cancel its future windows?"
                  />
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="new-h">
        <h3 id="new-h">Schedule maintenance</h3>
        <CommandForm
          action="maintenance.create"
          submit="Schedule"
          fields={[
            { kind: "text", name: "title", label: "Title" },
            {
              kind: "checkboxes",
              name: "monitors",
              label: "Affected monitors",
              options: monitors.map((m) => ({ value: m.slug, label: m.isPublic ? m.name : `${m.name} (hidden)` })),
            },
            { kind: "textarea", name: "body", label: "Details (Markdown, public)", markdown: true, rows: 4 },
            {
              kind: "select",
              name: "repeat",
              label: "Repeat",
              options: [
                { value: "once", label: "once" },
                { value: "recurring", label: "recurring (cron)" },
              ],
            },
            { kind: "datetime", name: "startsAt", label: "Starts (once) / series starts (recurring, empty: now)" },
            { kind: "datetime", name: "endsAt", label: "Ends (once) / series ends (recurring, empty: never)" },
            {
              kind: "text",
              name: "recurrence",
              label: "Cron expression (recurring)",
              help: 'Five fields, e.g. "30 2 * * 0" for Sundays at 02:30.',
            },
            {
              kind: "text",
              name: "timeZone",
              label: "Time zone of the cron expression",
              defaultValue: "UTC",
              help: "IANA name, e.g. Europe/Berlin. Daylight-saving changes are followed.",
            },
            { kind: "number", name: "durationMinutes", label: "Length of each window in minutes (recurring)" },
          ]}
        />
      </section>
    </>
  );
}
