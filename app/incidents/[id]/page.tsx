import { notFound } from "next/navigation";
import { sharedDb } from "../../../monitors/queries/shared-db";
import { publicIncident } from "../../../monitors/queries/incidents";
import { getOverallStatus } from "../../../monitors/queries/status-page";
import { renderMarkdown } from "../../../monitors/queries/markdown";
import { LocalTime } from "../../_ui/LocalTime";
import { INCIDENT_STATUS_LABEL } from "../../_ui/IncidentSummary";
import { statusMetadata } from "../../_ui/status-metadata";

export const revalidate = 4;

// No page is built ahead; each one is rendered on its first request, then cached like the home page.
export async function generateStaticParams() {
  return [];
}

function duration(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  return h < 48 ? `${h} h ${minutes % 60} min` : `${Math.floor(h / 24)} days ${h % 24} h`;
}

async function load(params: Promise<{ id: string }>) {
  const { id } = await params;
  return /^\d{1,12}$/.test(id) ? publicIncident(await sharedDb(), Number(id)) : null;
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const incident = await load(params);
  return statusMetadata(await getOverallStatus(await sharedDb()), incident?.title ?? "Not found");
}

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const incident = await load(params);
  if (!incident) notFound();
  const end = incident.resolvedAt ?? new Date();
  return (
    <>
      <p>
        <a href="/">← Status</a> · <a href="/history">History</a>
      </p>
      <h1>{incident.title}</h1>
      <div className={`notice impact-${incident.impact}`}>
        <div>
          <strong data-testid="incident-status">{INCIDENT_STATUS_LABEL[incident.status] ?? incident.status}</strong> · impact {incident.impact}
        </div>
        <div className="meta">
          Started <LocalTime iso={incident.startedAt.toISOString()} />
          {incident.resolvedAt ? <> · resolved <LocalTime iso={incident.resolvedAt.toISOString()} /></> : null} · {incident.resolvedAt ? "lasted" : "ongoing for"}{" "}
          {duration(incident.startedAt, end)}
        </div>
        {incident.monitors.length > 0 && (
          <div className="meta">
            Affected: {incident.monitors.map((m, i) => (
              <span key={m.slug}>
                {i > 0 && ", "}
                <a href={`/monitors/${m.slug}`}>{m.name}</a> ({m.impact})
              </span>
            ))}
          </div>
        )}
      </div>
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">Updates</h2>
        <ol className="timeline" data-testid="timeline">
          {incident.updates.map((u) => (
            <li key={u.id}>
              <div>
                <strong>{INCIDENT_STATUS_LABEL[u.status] ?? u.status}</strong> · <LocalTime iso={u.createdAt.toISOString()} />
              </div>
              {/* renderMarkdown allows no raw HTML and only safe links */}
              <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(u.body) }} />
            </li>
          ))}
        </ol>
      </section>
      {incident.postmortem && (
        <section aria-labelledby="pm-h">
          <h2 id="pm-h">Postmortem</h2>
          <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(incident.postmortem) }} />
        </section>
      )}
    </>
  );
}
