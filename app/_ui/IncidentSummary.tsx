import type { PublicIncident } from "../../monitors/queries/incidents";
import { renderMarkdown } from "../../monitors/queries/markdown";
import { LocalTime } from "./LocalTime";

const STATUS_LABEL: Record<string, string> = { investigating: "Investigating", identified: "Identified", monitoring: "Monitoring", resolved: "Resolved" };

/** An incident with its latest update, as shown at the top of the status page. */
export function IncidentSummary({ incident }: { incident: PublicIncident }) {
  const latest = incident.updates[0];
  return (
    <article className={`notice impact-${incident.impact}`} data-testid="active-incident">
      <h3>
        <a href={`/incidents/${incident.id}`}>{incident.title}</a>
      </h3>
      {latest ? (
        <>
          <div className="meta">
            <strong>{STATUS_LABEL[latest.status] ?? latest.status}</strong> · <LocalTime iso={latest.createdAt.toISOString()} />
          </div>
          {/* renderMarkdown allows no raw HTML and only safe links */}
          <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(latest.body) }} />
        </>
      ) : (
        <div className="meta">
          {STATUS_LABEL[incident.status] ?? incident.status} since <LocalTime iso={incident.startedAt.toISOString()} />
        </div>
      )}
    </article>
  );
}

export { STATUS_LABEL as INCIDENT_STATUS_LABEL };
