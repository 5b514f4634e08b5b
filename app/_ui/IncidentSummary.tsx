import type { PublicIncident } from "@/monitors/queries/incidents";
import { MarkdownBody } from "./MarkdownBody";
import { LocalTime } from "./LocalTime";
import { translator, type Translator } from "@/monitors/i18n/translator";
import { BASE_LOCALE } from "@/monitors/i18n/locales";
import type { MessageKey } from "@/monitors/i18n/translator";
import { rich } from "./rich";

/** An incident status in the reader's language; one the catalogs do not know is shown as stored. */
export function incidentStatusLabel(status: string, tr: Translator): string {
  const key = `incidentStatus.${status}` as MessageKey;
  return key in tr.messages ? tr.t(key) : status;
}

const STATUS_LABEL: Record<string, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

/** An incident with its latest update, as shown at the top of the status page. */
export function IncidentSummary({ incident, tr = translator(BASE_LOCALE) }: { incident: PublicIncident; tr?: Translator }) {
  const latest = incident.updates[0];
  return (
    <article className={`notice impact-${incident.impact}`} data-testid="active-incident">
      <h3>
        <a href={`/incidents/${incident.id}`}>{incident.title}</a>
      </h3>
      {latest ? (
        <>
          <div className="meta">
            <strong>{incidentStatusLabel(latest.status, tr)}</strong> ·{" "}
            <LocalTime iso={latest.createdAt.toISOString()} text={tr.utc(latest.createdAt)} />
          </div>
          <MarkdownBody source={latest.body} />
        </>
      ) : (
        <div className="meta">
          {rich(tr, "incident.since", {
            status: incidentStatusLabel(incident.status, tr),
            time: <LocalTime iso={incident.startedAt.toISOString()} text={tr.utc(incident.startedAt)} />,
          })}
        </div>
      )}
    </article>
  );
}

export { STATUS_LABEL as INCIDENT_STATUS_LABEL };
