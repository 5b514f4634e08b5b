import { sharedDb } from "../monitors/queries/shared-db";
import { getStatusPage, getOverallStatus, PAGE_WINDOWS } from "../monitors/queries/status-page";
import { OVERALL_LABEL } from "../monitors/queries/overall-status";
import { formatPercent, formatLatency, COMPONENT_LABEL } from "../monitors/queries/format";
import { UptimeBars } from "./_ui/UptimeBars";
import { BarTooltips } from "./_ui/BarTooltips";
import { IncidentSummary } from "./_ui/IncidentSummary";
import { MaintenanceSummary } from "./_ui/MaintenanceSummary";
import { LocalTime } from "./_ui/LocalTime";
import { statusMetadata } from "./_ui/status-metadata";
import { SubscribeForm } from "./_ui/SubscribeForm";

// Served from the cache and regenerated in the background at most every 4 s (plus the web
// server's 1 s micro-cache): fast under load, and a change is public within the 10 s promise.
export const revalidate = 4;

export async function generateMetadata() {
  return statusMetadata(await getOverallStatus(await sharedDb()));
}

export default async function StatusHome() {
  const page = await getStatusPage(await sharedDb());
  return (
    <>
      <header className="site">
        <h1>OpenRegistry status</h1>
        <nav aria-label="Site">
          <a href="/history">History</a>
        </nav>
      </header>
      <div className={`banner ${page.overall}`} role="status" data-testid="overall">
        {OVERALL_LABEL[page.overall]}
      </div>

      {(page.incidents.length > 0 || page.activeMaintenance.length > 0) && (
        <section aria-labelledby="now-h" className="notices">
          <h2 id="now-h">Now</h2>
          {page.incidents.map((i) => (
            <IncidentSummary key={i.id} incident={i} />
          ))}
          {page.activeMaintenance.map((m) => (
            <MaintenanceSummary key={m.id} maintenance={m} />
          ))}
        </section>
      )}

      {/* The window picker is plain radio inputs: CSS shows the chosen window, no script needed. */}
      <div className="window-picker">
        <fieldset>
          <legend>Uptime over</legend>
          {PAGE_WINDOWS.map((w) => (
            <span key={w}>
              <input type="radio" name="window" id={`w-${w}`} value={w} defaultChecked={w === "90d"} />
              <label htmlFor={`w-${w}`}>{w}</label>
            </span>
          ))}
        </fieldset>
        <div className="groups">
          {page.groups.map((g) => (
            <section className="group" key={g.name} aria-labelledby={`group-${g.name}`} data-testid="group">
              <h2 id={`group-${g.name}`}>{g.name}</h2>
              {g.slo && (
                <div className="row meta slo" data-testid="group-slo">
                  {g.name} this month: {formatPercent(g.slo.monthRatio)} against a {g.slo.objectivePercent}% objective ·{" "}
                  {g.slo.leftMinutes >= 0 ? `${g.slo.leftMinutes} min of error budget left` : `budget exceeded by ${-g.slo.leftMinutes} min`}
                </div>
              )}
              {g.monitors.map((m) => (
                <div className="row" key={m.slug} data-monitor={m.slug}>
                  <div>
                    <div className="name">
                      <a href={`/monitors/${m.slug}`}>{m.name}</a>
                    </div>
                    <div className="meta">
                      {m.disabledReason ? (
                        "Not checked yet: credentials are not configured"
                      ) : (
                        <>
                          {PAGE_WINDOWS.map((w) => (
                            <span key={w} className={`u u-${w}`}>
                              {formatPercent(m.uptime[w])} uptime ({w})
                            </span>
                          ))}{" "}
                          · last {formatLatency(m.lastLatencyMs)}
                        </>
                      )}
                    </div>
                    {m.slo && (
                      <div className="meta slo" data-testid="slo">
                        This month {formatPercent(m.slo.monthRatio)} against a {m.slo.objectivePercent}% objective ·{" "}
                        {m.slo.leftMinutes >= 0 ? `${m.slo.leftMinutes} min of error budget left` : `budget exceeded by ${-m.slo.leftMinutes} min`}
                      </div>
                    )}
                  </div>
                  <div className={`status ${m.status}`}>{COMPONENT_LABEL[m.status]}</div>
                  <div className="bars-cell">
                    <UptimeBars bars={m.bars} name={m.slug} label={m.name} />
                  </div>
                </div>
              ))}
            </section>
          ))}
        </div>
      </div>

      {page.upcomingMaintenance.length > 0 && (
        <section aria-labelledby="upcoming-h" className="notices">
          <h2 id="upcoming-h">Scheduled maintenance</h2>
          {page.upcomingMaintenance.map((m) => (
            <MaintenanceSummary key={m.id} maintenance={m} />
          ))}
        </section>
      )}

      <BarTooltips incidents={Object.fromEntries(page.groups.flatMap((g) => g.monitors.flatMap((m) => m.bars.flatMap((b) => b.incidents.map((i) => [i.id, i.title])))))} />
      {process.env.SMTP_URL && <SubscribeForm components={page.groups.flatMap((g) => g.monitors.map((m) => ({ slug: m.slug, name: m.name })))} />}
      <footer>
        Updated <LocalTime iso={page.generatedAt.toISOString()} /> · <a href="/history.atom">Atom</a> · <a href="/history.rss">RSS</a> ·{" "}
        <a href="/api/v2/summary.json">API</a>
      </footer>
    </>
  );
}
