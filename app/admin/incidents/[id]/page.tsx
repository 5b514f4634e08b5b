import { notFound } from "next/navigation";
import { requireUser } from "@/app/admin/_lib/require-user";
import { AdminNav } from "@/app/admin/_ui/AdminNav";
import { CommandForm } from "@/app/admin/_ui/CommandForm";
import { sharedDb } from "@/monitors/queries/shared-db";
import { adminIncident, monitorChoices } from "@/monitors/queries/admin-views";
import { MarkdownBody } from "@/app/_ui/MarkdownBody";
import { IMPACTS, INCIDENT_STATUSES } from "@/monitors/incidents/incident-lifecycle";
import { LocalTime } from "@/app/_ui/LocalTime";

export const dynamic = "force-dynamic";
export const metadata = { title: "Incident · OpenRegistry status", robots: { index: false } };

export default async function IncidentEditor({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const user = await requireUser(`/admin/incidents/${encodeURIComponent(raw)}`, "incident.write");
  const db = await sharedDb();
  const id = /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  const [inc, monitors] = await Promise.all([adminIncident(db, id), monitorChoices(db)]);
  if (!inc) notFound();
  const hidden = { kind: "hidden" as const, name: "id", value: String(inc.id) };
  const resolved = inc.status === "resolved";
  return (
    <>
      <AdminNav user={user} />
      <article className="incident-editor">
        <h2 data-testid="incident-title">{inc.title}</h2>
        <p className="meta">
          <span className={`pill ${inc.impact}`}>{inc.impact}</span>{" "}
          <span className="pill" data-testid="incident-status">
            {inc.status}
          </span>{" "}
          {inc.auto && <span className="pill">automatic</span>} started <LocalTime iso={inc.startedAt.toISOString()} />
          {inc.resolvedAt && (
            <>
              , resolved <LocalTime iso={inc.resolvedAt.toISOString()} />
            </>
          )}
        </p>
        <p className="meta" data-testid="ack-state">
          {inc.acknowledgedAt ? (
            <>
              Acknowledged by {inc.acknowledgedBy?.email ?? "a link in a notification"} at{" "}
              <LocalTime iso={inc.acknowledgedAt.toISOString()} />
            </>
          ) : resolved ? (
            "Resolved without acknowledgement."
          ) : (
            <strong>Not acknowledged: on-call channels are reminded until someone does.</strong>
          )}
        </p>
        {!inc.acknowledgedAt && !resolved && <CommandForm action="incident.acknowledge" fields={[hidden]} submit="Acknowledge" inline />}
        <p>
          Components: {inc.monitors.map((m) => `${m.monitor.name} (${m.impact}${m.recoveredAt ? ", recovered" : ""})`).join(", ") || "none"}
          {!resolved && (
            <>
              {" "}
              · <a href={`/incidents/${inc.id}`}>public page</a>
            </>
          )}
        </p>

        {!resolved && (
          <section aria-labelledby="update-h">
            <h3 id="update-h">Post an update</h3>
            <CommandForm
              action="incident.update"
              submit="Post update"
              fields={[
                hidden,
                {
                  kind: "select",
                  name: "status",
                  label: "Status",
                  options: INCIDENT_STATUSES.map((s) => ({ value: s, label: s })),
                  defaultValue: inc.status === "investigating" ? "identified" : inc.status,
                },
                { kind: "textarea", name: "body", label: "Update (Markdown, public)", markdown: true },
              ]}
            />
          </section>
        )}
        {resolved && (
          <section aria-labelledby="pm-h">
            <h3 id="pm-h">Postmortem</h3>
            <CommandForm
              action="incident.postmortem"
              submit="Save postmortem"
              fields={[
                hidden,
                {
                  kind: "textarea",
                  name: "postmortem",
                  label: "Postmortem (Markdown, public)",
                  markdown: true,
                  rows: 12,
                  defaultValue: inc.postmortem ?? "",
                },
              ]}
            />
          </section>
        )}
        <details>
          <summary>Impact and components</summary>
          <CommandForm
            action="incident.impact"
            submit="Save impact"
            fields={[
              hidden,
              {
                kind: "select",
                name: "impact",
                label: "Overall impact",
                options: IMPACTS.map((i) => ({ value: i, label: i })),
                defaultValue: inc.impact,
              },
              {
                kind: "impacts",
                name: "monitors",
                label: "Affected components",
                monitors: monitors.map((m) => ({ slug: m.slug, name: m.name })),
                defaultValues: Object.fromEntries(inc.monitors.map((m) => [m.monitor.slug, m.impact])),
              },
            ]}
          />
        </details>

        <section aria-labelledby="timeline-h">
          <h3 id="timeline-h">Timeline</h3>
          <ol className="timeline">
            {inc.updates.map((u) => (
              <li key={u.id} data-testid="admin-update">
                <strong>{u.status}</strong> · <LocalTime iso={u.createdAt.toISOString()} /> · {u.author?.email ?? "automatic"}
                <MarkdownBody source={u.body} />
              </li>
            ))}
          </ol>
        </section>
      </article>
    </>
  );
}
