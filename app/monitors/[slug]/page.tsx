import { notFound } from "next/navigation";
import { sharedDb } from "../../../monitors/queries/shared-db";
import { getMonitorPage } from "../../../monitors/queries/monitor-page";
import { getOverallStatus } from "../../../monitors/queries/status-page";
import { formatLatency, formatPercent, COMPONENT_LABEL } from "../../../monitors/queries/format";
import { ALL_WINDOWS } from "../../../monitors/queries/uptime";
import { UptimeBars } from "../../_ui/UptimeBars";
import { BarTooltips } from "../../_ui/BarTooltips";
import { ResponseChart } from "../../_ui/ResponseChart";
import { EmbedBox } from "../../_ui/EmbedBox";
import { LocalTime } from "../../_ui/LocalTime";
import { INCIDENT_STATUS_LABEL } from "../../_ui/IncidentSummary";
import { statusMetadata } from "../../_ui/status-metadata";

export const revalidate = 4;

// No page is built ahead; each one is rendered on its first request, then cached like the home page.
export async function generateStaticParams() {
  return [];
}

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }) {
  const db = await sharedDb();
  const page = await getMonitorPage(db, (await params).slug);
  return statusMetadata(await getOverallStatus(db), page?.name ?? "Not found");
}

export default async function MonitorDetail({ params }: { params: Promise<{ slug: string }> }) {
  const page = await getMonitorPage(await sharedDb(), (await params).slug);
  if (!page) notFound();
  return (
    <>
      <p>
        <a href="/">← All systems</a>
      </p>
      <h1>{page.name}</h1>
      {page.description && <p className="meta">{page.description}</p>}
      {page.target && (
        <p className="meta" data-testid="target">
          Checks <code>{page.target}</code>
          {page.lastError && page.status !== "operational" && <> · last error: {page.lastError}</>}
        </p>
      )}
      <div className="row">
        <div className="meta">
          {page.group} · last response {formatLatency(page.lastLatencyMs)}
          {page.since && (
            <>
              {" "}· {COMPONENT_LABEL[page.status].toLowerCase()} since <LocalTime iso={page.since.toISOString()} />
            </>
          )}
        </div>
        <div className={`status ${page.status}`} data-testid="monitor-status">
          {COMPONENT_LABEL[page.status]}
        </div>
        <div className="bars-cell">
          <UptimeBars bars={page.bars} name={page.slug} label={page.name} />
        </div>
      </div>

      <section className="group" aria-labelledby="uptime-h">
        <h2 id="uptime-h">Uptime</h2>
        <div className="windows">
          {ALL_WINDOWS.map((w) => (
            <div key={w} className="window" data-window={w}>
              <div className="meta">{w}</div>
              <div className="value">{formatPercent(page.uptime[w]?.ratio)}</div>
            </div>
          ))}
        </div>
        {page.slo && (
          <div className="row slo" data-testid="slo">
            <div>
              This month {formatPercent(page.slo.monthRatio)} against a {page.slo.objectivePercent}% objective: {page.slo.spentMinutes} of {page.slo.budgetMinutes} minutes of error
              budget spent, {page.slo.leftMinutes >= 0 ? `${page.slo.leftMinutes} left` : `exceeded by ${-page.slo.leftMinutes}`}.
              <div className="meta" data-testid="burn">
                Burn rate (1 = the whole budget in a month):{" "}
                {page.burn.map((b) => `${b.window} ${b.rate === null ? "no data" : b.rate.toFixed(2)}`).join(" · ")}
              </div>
            </div>
          </div>
        )}
      </section>

      <section className="group" aria-labelledby="chart-h">
        <h2 id="chart-h">Response time</h2>
        <div className="chart-wrap">
          <ResponseChart latency={page.latency} phases={page.phases} />
        </div>
      </section>

      {page.regions.length > 0 && (
        <section className="group" aria-labelledby="regions-h">
          <h2 id="regions-h">Regions</h2>
          <table className="regions" data-testid="regions">
            <thead>
              <tr>
                <th scope="col">Region</th>
                <th scope="col">Last check</th>
                <th scope="col">Last response</th>
                <th scope="col">Median, last hour</th>
                <th scope="col">Failed checks, last hour</th>
              </tr>
            </thead>
            <tbody>
              {page.regions.map((r) => (
                <tr key={r.region} data-region={r.region}>
                  <th scope="row">{r.region}</th>
                  <td>
                    <span className={`pill ${r.status}`}>{r.status}</span>
                  </td>
                  <td>{formatLatency(r.lastLatencyMs)}</td>
                  <td>{formatLatency(r.medianLatencyMs)}</td>
                  <td>
                    {r.failed} of {r.checks}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section className="group" aria-labelledby="incidents-h">
        <h2 id="incidents-h">Incidents</h2>
        {page.incidents.length === 0 && <div className="row meta">No incidents.</div>}
        {page.incidents.map((i) => (
          <div className="row" key={i.id}>
            <div>
              <a href={`/incidents/${i.id}`}>{i.title}</a>
              <div className="meta">
                <LocalTime iso={i.startedAt.toISOString()} />
              </div>
            </div>
            <div className="meta">{INCIDENT_STATUS_LABEL[i.status] ?? i.status}</div>
          </div>
        ))}
      </section>

      <section className="group" aria-labelledby="changes-h">
        <h2 id="changes-h">Recent state changes</h2>
        {page.stateChanges.length === 0 ? <div className="row meta">None yet.</div> : null}
        {page.stateChanges.map((c, i) => (
          <div className="row" key={i}>
            <div>
              {c.from} → {c.to}
            </div>
            <div className="meta">
              <LocalTime iso={c.at.toISOString()} />
            </div>
          </div>
        ))}
      </section>
      <BarTooltips incidents={Object.fromEntries(page.bars.flatMap((b) => b.incidents.map((i) => [i.id, i.title])))} />
      <EmbedBox slug={page.slug} name={page.name} publicUrl={process.env.PUBLIC_URL ?? null} />
    </>
  );
}
