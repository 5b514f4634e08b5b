import { sharedDb } from "../monitors/queries/shared-db";
import { getStatusPage } from "../monitors/queries/status-page";
import { OVERALL_LABEL } from "../monitors/queries/overall-status";
import { formatPercent, formatLatency, COMPONENT_LABEL } from "../monitors/queries/format";

// Every fact comes from the database the agent writes; render per request for now.
export const dynamic = "force-dynamic";

export default async function StatusHome() {
  const page = await getStatusPage(await sharedDb());
  return (
    <>
      <h1>OpenRegistry status</h1>
      <div className={`banner ${page.overall}`} role="status" data-testid="overall">
        {OVERALL_LABEL[page.overall]}
      </div>
      {page.groups.map((g) => (
        <section className="group" key={g.name} aria-labelledby={`group-${g.name}`}>
          <h2 id={`group-${g.name}`}>{g.name}</h2>
          {g.monitors.map((m) => (
            <div className="row" key={m.slug} data-monitor={m.slug}>
              <div>
                <div className="name"><a href={`/monitors/${m.slug}`}>{m.name}</a></div>
                <div className="meta">
                  {m.disabledReason
                    ? "Not checked yet: credentials are not configured"
                    : `24h ${formatPercent(m.uptime24h?.ratio)} · 30d ${formatPercent(m.uptime30d?.ratio)} · last ${formatLatency(m.lastLatencyMs)}`}
                </div>
              </div>
              <div className={`status ${m.status}`}>{COMPONENT_LABEL[m.status]}</div>
            </div>
          ))}
        </section>
      ))}
      <footer>Updated {page.generatedAt.toISOString().replace("T", " ").slice(0, 19)} UTC</footer>
    </>
  );
}
