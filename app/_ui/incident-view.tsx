import Head from "next/head";
import type { PublicIncident } from "@/monitors/queries/incidents";
import type { OverallStatus } from "@/monitors/queries/overall-status";
import type { Locale } from "@/monitors/i18n/locales";
import { translator } from "@/monitors/i18n/translator";
import { impactLabel } from "./impact-label";
import { MarkdownBody } from "./MarkdownBody";
import { LocalTime } from "./LocalTime";
import { PagePrefs } from "./PagePrefs";
import { incidentStatusLabel } from "./IncidentSummary";
import { incidentDuration } from "./incident-duration";
import { rich } from "./rich";
import { fromProps, type toProps } from "./page-props";

// An incident's page in one language, shared by pages/incidents/[id].tsx (English) and
// pages/l/[locale]/incidents/[id].tsx (the others, which the web process serves at /incidents/<id>).
// In the Pages Router like the home page: cached (ISR) with <html lang> from its props, and no React
// in the browser (public/local-time.js shows the reader's time).

export type IncidentProps = { incident: ReturnType<typeof toProps>; overall: OverallStatus; renderedAt: number; locale: Locale };

export function IncidentView(props: IncidentProps) {
  const incident = fromProps<PublicIncident>(props.incident);
  const tr = translator(props.locale);
  const time = (at: Date) => <LocalTime iso={at.toISOString()} text={tr.utc(at)} />;
  const duration = incidentDuration(incident.startedAt, incident.resolvedAt ?? new Date(props.renderedAt), tr);
  return (
    <>
      <Head>
        <title>{tr.t("page.titleOf", { title: incident.title })}</title>
        <meta name="description" content={tr.t("site.description")} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href={`/favicon-${props.overall}.svg`} type="image/svg+xml" />
        <script src="/local-time.js" defer />
      </Head>
      <main className="container">
        <PagePrefs tr={tr} />
        <p>
          <a href="/">{tr.t("nav.status")}</a> · <a href="/history">{tr.t("nav.history")}</a>
        </p>
        <h1>{incident.title}</h1>
        <div className={`notice impact-${incident.impact}`}>
          <div>
            <strong data-testid="incident-status">{incidentStatusLabel(incident.status, tr)}</strong> ·{" "}
            {tr.t("incident.impact", { impact: impactLabel(incident.impact, tr) })}
          </div>
          <div className="meta">
            {rich(tr, "incident.started", { time: time(incident.startedAt) })}
            {incident.resolvedAt ? <> · {rich(tr, "incident.resolvedAt", { time: time(incident.resolvedAt) })}</> : null} ·{" "}
            {tr.t(incident.resolvedAt ? "incident.lasted" : "incident.ongoingFor", { duration })}
          </div>
          {incident.monitors.length > 0 && (
            <div className="meta">
              {tr.t("incident.affected")}{" "}
              {incident.monitors.map((m, i) => (
                <span key={m.slug}>
                  {i > 0 && ", "}
                  {rich(tr, "incident.monitorImpact", {
                    name: <a href={`/monitors/${m.slug}`}>{m.name}</a>,
                    impact: impactLabel(m.impact, tr),
                  })}
                </span>
              ))}
            </div>
          )}
        </div>
        <section aria-labelledby="timeline-h">
          <h2 id="timeline-h">{tr.t("incident.updates")}</h2>
          <ol className="timeline" data-testid="timeline">
            {incident.updates.map((u) => (
              <li key={u.id}>
                <div>
                  <strong>{incidentStatusLabel(u.status, tr)}</strong> · {time(u.createdAt)}
                </div>
                <MarkdownBody source={u.body} />
              </li>
            ))}
          </ol>
        </section>
        {incident.postmortem && (
          <section aria-labelledby="pm-h">
            <h2 id="pm-h">{tr.t("incident.postmortem")}</h2>
            <MarkdownBody source={incident.postmortem} />
          </section>
        )}
      </main>
    </>
  );
}
