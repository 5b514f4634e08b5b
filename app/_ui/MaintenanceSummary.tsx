import type { PublicMaintenance } from "../../monitors/queries/maintenance";
import { renderMarkdown } from "../../monitors/queries/markdown";
import { LocalTime } from "./LocalTime";

export function MaintenanceSummary({ maintenance }: { maintenance: PublicMaintenance }) {
  return (
    <article className="notice maintenance" id={`maintenance-${maintenance.id}`} data-testid="maintenance">
      <h3>{maintenance.title}</h3>
      <div className="meta">
        {maintenance.status === "in_progress" ? "In progress" : maintenance.status === "scheduled" ? "Scheduled" : "Completed"} ·{" "}
        <LocalTime iso={maintenance.startsAt.toISOString()} /> – <LocalTime iso={maintenance.endsAt.toISOString()} />
        {maintenance.monitors.length > 0 && <> · {maintenance.monitors.map((m) => m.name).join(", ")}</>}
      </div>
      {maintenance.body && <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(maintenance.body) }} />}
    </article>
  );
}
