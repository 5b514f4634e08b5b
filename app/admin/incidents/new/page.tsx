import { requireUser } from "@/app/admin/_lib/require-user";
import { AdminNav } from "@/app/admin/_ui/AdminNav";
import { CommandForm } from "@/app/admin/_ui/CommandForm";
import { sharedDb } from "@/monitors/queries/shared-db";
import { monitorChoices } from "@/monitors/queries/admin-views";
import { IMPACTS, INCIDENT_STATUSES } from "@/monitors/incidents/incident-lifecycle";

export const dynamic = "force-dynamic";
export const metadata = { title: "New incident · OpenRegistry status", robots: { index: false } };

export default async function NewIncident() {
  const user = await requireUser("/admin/incidents/new", "incident.write");
  const monitors = await monitorChoices(await sharedDb());
  return (
    <>
      <AdminNav user={user} />
      <h2>New incident</h2>
      <CommandForm
        action="incident.create"
        submit="Open incident"
        fields={[
          { kind: "text", name: "title", label: "Title" },
          {
            kind: "select",
            name: "status",
            label: "Status",
            options: INCIDENT_STATUSES.filter((s) => s !== "resolved").map((s) => ({ value: s, label: s })),
          },
          {
            kind: "select",
            name: "impact",
            label: "Overall impact",
            options: IMPACTS.map((i) => ({ value: i, label: i })),
            defaultValue: "minor",
          },
          {
            kind: "impacts",
            name: "monitors",
            label: "Affected components",
            monitors: monitors.map((m) => ({ slug: m.slug, name: m.isPublic ? m.name : `${m.name} (hidden)` })),
          },
          { kind: "textarea", name: "body", label: "First update (Markdown, public)", markdown: true },
          {
            kind: "datetime",
            name: "startedAt",
            label: "Started at (empty: now)",
            help: "Backdate when users were affected before you opened it.",
          },
        ]}
      />
    </>
  );
}
