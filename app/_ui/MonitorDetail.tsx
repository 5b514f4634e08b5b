import type { MonitorPage } from "@/monitors/queries/monitor-page";
import type { UptimeWindow } from "@/monitors/queries/uptime";
import type { MessageKey, Translator } from "@/monitors/i18n/translator";
import { UptimeBars } from "./UptimeBars";
import { IncidentTitles } from "./IncidentTitles";
import { EmbedBox } from "./EmbedBox";
import { LocalTime } from "./LocalTime";
import { incidentStatusLabel } from "./IncidentSummary";
import { PagePrefs } from "./PagePrefs";
import { PageWords } from "./PageWords";
import { rich } from "./rich";

/** A word the catalogs may not have (a probe status stored by an older agent): shown as stored then. */
function label(tr: Translator, key: string, fallback: string): string {
  return key in tr.messages ? tr.t(key as MessageKey) : fallback;
}

/** The words the chart island (app/_ui/ResponseChart.tsx) shows, in the page's language. */
export function chartWords(tr: Translator) {
  return {
    range: tr.t("chart.range"),
    empty: tr.t("chart.empty"),
    phasesTitle: tr.t("chart.phasesTitle"),
    noPhases: tr.t("chart.noPhases"),
    ms: tr.t("unit.ms", { n: "{n}" }),
    ranges: { "24h": tr.t("window.24h"), "7d": tr.t("window.7d"), "30d": tr.t("window.30d") },
    phases: {
      dns: tr.t("chart.dns"),
      connect: tr.t("chart.connect"),
      tls: tr.t("chart.tls"),
      firstByte: tr.t("chart.firstByte"),
      transfer: tr.t("chart.transfer"),
    },
  };
}

/**
 * One monitor's page. Like the home page it runs no React in the browser (pages/monitors/[slug].tsx):
 * public/bars.js, local-time.js and embed-origin.js do the small things, and public/chart-loader.js
 * brings the response-time chart (React and recharts, built apart by scripts/build-islands.mjs)
 * when it scrolls into view.
 */
export function MonitorDetail({ page, publicUrl, tr }: { page: MonitorPage; publicUrl: string | null; tr: Translator }) {
  const time = (at: Date) => <LocalTime iso={at.toISOString()} text={tr.utc(at)} />;
  return (
    <>
      <PagePrefs tr={tr} />
      <p>
        <a href="/">{tr.t("monitor.back")}</a>
      </p>
      <h1>{page.name}</h1>
      {page.description && <p className="meta">{page.description}</p>}
      {page.target && (
        <p className="meta" data-testid="target">
          {rich(tr, "monitor.checks", { target: <code>{page.target}</code> })}
          {page.lastError && page.status !== "operational" && <> · {tr.t("monitor.lastError", { error: page.lastError })}</>}
        </p>
      )}
      {page.domainExpiry && (
        <p className="meta" data-testid="domain-expiry" data-level={page.domainExpiry.level}>
          {page.domainExpiry.level === "expired"
            ? rich(tr, "monitor.domainExpired", { time: time(page.domainExpiry.expiresAt) })
            : rich(tr, "monitor.domainExpires", {
                time: time(page.domainExpiry.expiresAt),
                left: tr.t("monitor.domainDaysLeft", { days: page.domainExpiry.daysLeft }),
              })}
          {" · "}
          {rich(tr, "monitor.domainRead", { time: time(page.domainExpiry.checkedAt) })}
        </p>
      )}
      <div className="row">
        <div className="meta">
          {tr.t("monitor.lastResponse", { group: page.group, latency: tr.latency(page.lastLatencyMs) })}
          {page.status === "stale" && page.lastCheckedAt ? (
            <span className="stale-note">
              {" · "}
              {rich(tr, "row.stale", { time: time(page.lastCheckedAt) })}
            </span>
          ) : (
            page.since && (
              <>
                {" · "}
                {rich(tr, "monitor.since", { status: tr.t(`component.${page.status}`), time: time(page.since) })}
              </>
            )
          )}
        </div>
        <div className={`status ${page.status}`} data-testid="monitor-status">
          {tr.t(`component.${page.status}`)}
        </div>
        <UptimeBars bars={page.bars} label={page.name} tr={tr} />
      </div>

      <section className="group" aria-labelledby="uptime-h">
        <h2 id="uptime-h">{tr.t("monitor.uptime")}</h2>
        <div className="windows">
          {(Object.keys(page.uptime) as UptimeWindow[]).map((w) => (
            <div key={w} className="window" data-window={w}>
              <div className="meta">{tr.t(`window.${w}`)}</div>
              <div className="value">{tr.percent(page.uptime[w]?.ratio)}</div>
            </div>
          ))}
        </div>
        {page.slo && (
          <div className="row slo" data-testid="slo">
            <div>
              {tr.t("slo.detail", {
                ratio: tr.percent(page.slo.monthRatio),
                objective: tr.objective(page.slo.objectivePercent),
                spent: tr.minutes(page.slo.spentMinutes),
                budget: tr.minutes(page.slo.budgetMinutes),
                rest:
                  page.slo.leftMinutes >= 0
                    ? tr.t("slo.detailLeft", { duration: tr.minutes(page.slo.leftMinutes) })
                    : tr.t("slo.detailExceeded", { duration: tr.minutes(-page.slo.leftMinutes) }),
              })}
              <div className="meta" data-testid="burn">
                {`${tr.t("slo.burn")} `}
                {page.burn.map((b) => `${b.window} ${b.rate === null ? tr.t("day.noData") : tr.number(b.rate, 2)}`).join(" · ")}
              </div>
            </div>
          </div>
        )}
      </section>

      {page.regions.length > 0 && (
        <section className="group" aria-labelledby="regions-h">
          <h2 id="regions-h">{tr.t("regions.title")}</h2>
          <table className="regions" data-testid="regions">
            <thead>
              <tr>
                <th scope="col">{tr.t("regions.region")}</th>
                <th scope="col">{tr.t("regions.lastCheck")}</th>
                <th scope="col">{tr.t("regions.lastResponse")}</th>
                <th scope="col">{tr.t("regions.median")}</th>
                <th scope="col">{tr.t("regions.failed")}</th>
              </tr>
            </thead>
            <tbody>
              {page.regions.map((r) => (
                <tr key={r.region} data-region={r.region}>
                  <th scope="row">{r.region}</th>
                  <td>
                    <span className={`pill ${r.status}`}>{label(tr, `probe.${r.status}`, r.status)}</span>
                  </td>
                  <td>{tr.latency(r.lastLatencyMs)}</td>
                  <td>{tr.latency(r.medianLatencyMs)}</td>
                  <td>{tr.t("regions.failedOf", { failed: tr.number(r.failed), checks: tr.number(r.checks) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section className="group" aria-labelledby="incidents-h">
        <h2 id="incidents-h">{tr.t("incidents.title")}</h2>
        {page.incidents.length === 0 && <div className="row meta">{tr.t("incidents.none")}</div>}
        {page.incidents.map((i) => (
          <div className="row" key={i.id}>
            <div>
              <a href={`/incidents/${i.id}`}>{i.title}</a>
              <div className="meta">{time(i.startedAt)}</div>
            </div>
            <div className="meta">{incidentStatusLabel(i.status, tr)}</div>
          </div>
        ))}
      </section>

      <section className="group" aria-labelledby="changes-h">
        <h2 id="changes-h">{tr.t("changes.title")}</h2>
        {page.stateChanges.length === 0 ? <div className="row meta">{tr.t("changes.none")}</div> : null}
        {page.stateChanges.map((c) => (
          <div className="row" key={`${String(c.at)} ${c.from} ${c.to}`}>
            <div>
              {`${label(tr, `probe.${c.from}`, c.from)} → ${label(tr, `probe.${c.to}`, c.to)}`}
              {c.dependency ? (
                <div className="meta" data-testid="dependency-down">
                  {c.dependency.name === null
                    ? tr.t("changes.dependencyDownInternal")
                    : tr.t("changes.dependencyDown", { name: c.dependency.name })}
                </div>
              ) : null}
            </div>
            <div className="meta">{time(c.at)}</div>
          </div>
        ))}
      </section>
      {/* Last of the sections: recharts is most of this page's JavaScript and loads only when the
          chart scrolls into view (public/chart-loader.js), so it should not start in view on a phone. */}
      <section className="group" aria-labelledby="chart-h">
        <h2 id="chart-h">{tr.t("chart.title")}</h2>
        <div className="chart-wrap">
          <div
            className="chart-slot"
            data-testid="chart-slot"
            data-chart-series={JSON.stringify({ latency: page.latency, phases: page.phases, words: chartWords(tr) })}
          >
            <p className="meta">{tr.t("chart.loading")}</p>
          </div>
        </div>
      </section>

      <IncidentTitles bars={page.bars} />
      <PageWords tr={tr} />
      <EmbedBox slug={page.slug} name={page.name} publicUrl={publicUrl} tr={tr} />
    </>
  );
}
