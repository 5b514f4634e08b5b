import type { StatusPage, StatusRow } from "@/monitors/queries/status-page";
import { PAGE_WINDOWS } from "@/monitors/queries/page-windows";
import type { SloStatus } from "@/monitors/queries/slo";
import type { Translator } from "@/monitors/i18n/translator";
import { UptimeBars } from "./UptimeBars";
import { IncidentTitles } from "./IncidentTitles";
import { IncidentSummary } from "./IncidentSummary";
import { MaintenanceSummary } from "./MaintenanceSummary";
import { LocalTime } from "./LocalTime";
import { PagePrefs } from "./PagePrefs";
import { PageWords } from "./PageWords";
import { rich } from "./rich";

function budget(slo: SloStatus, tr: Translator): string {
  if (slo.observedMinutes === 0) return tr.t("slo.noTime");
  return slo.leftMinutes >= 0
    ? tr.t("slo.left", { duration: tr.minutes(slo.leftMinutes) })
    : tr.t("slo.exceeded", { duration: tr.minutes(-slo.leftMinutes) });
}

/** What the bar colours mean (the thresholds are barLevel's, monitors/queries/daily-bars.ts). */
const BAR_LEGEND = ["o", "m", "M", "s", "b", "n"] as const;

/**
 * One monitor's row. Text is built as single strings: React separates neighbouring text
 * pieces with comment nodes, which a hundred rows would pay for in bytes.
 */
function MonitorRow({ m, tr }: { m: StatusRow; tr: Translator }) {
  return (
    <div className="row" data-monitor={m.slug}>
      <div>
        <a className="name" href={`/monitors/${m.slug}`}>
          {m.name}
        </a>
        <div className="meta">
          {m.disabledReason ? (
            tr.t("row.notCheckedCredentials")
          ) : !m.lastCheckedAt ? (
            tr.t("row.notChecked")
          ) : (
            <>
              {m.status === "stale" && (
                <span className="stale-note">
                  {rich(tr, "row.stale", { time: <LocalTime iso={m.lastCheckedAt.toISOString()} text={tr.utc(m.lastCheckedAt)} /> })}
                  {" · "}
                </span>
              )}
              {PAGE_WINDOWS.map((w) => (
                // " uptime (24h)" comes from CSS (globals.css): four times a hundred rows of it was 5 KB.
                <span key={w} className={`u u-${w}`}>
                  {tr.percent(m.uptime[w])}
                </span>
              ))}
              {` · ${tr.t("row.last", { latency: tr.latency(m.lastLatencyMs) })}`}
            </>
          )}
        </div>
        {m.slo && (
          <div className="meta slo" data-testid="slo">
            {tr.t("slo.monitor", {
              ratio: tr.percent(m.slo.monthRatio),
              objective: tr.objective(m.slo.objectivePercent),
              budget: budget(m.slo, tr),
            })}
          </div>
        )}
      </div>
      <div className={`status ${m.status}`}>{tr.t(`component.${m.status}`)}</div>
      <UptimeBars bars={m.bars} label={m.name} dated={false} tr={tr} />
    </div>
  );
}

function UpdatedAt({ at, tr }: { at: Date; tr: Translator }) {
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  return <LocalTime iso={minute.toISOString()} text={tr.utc(minute)} />;
}

/**
 * The home page. It runs no React in the browser (pages/index.tsx turns the runtime off):
 * the window picker is CSS, and two small scripts (public/bars.js, public/local-time.js) do
 * the rest, so the page stays usable and fast with a hundred monitors.
 */
export function StatusHome({ page, subscribe, tr }: { page: StatusPage; subscribe: boolean; tr: Translator }) {
  return (
    <>
      <PagePrefs tr={tr} />
      <header className="site">
        <h1>{tr.t("site.title")}</h1>
        <nav aria-label={tr.t("nav.label")}>
          <a href="/history">{tr.t("nav.history")}</a>
          {subscribe && (
            <>
              {" · "}
              <a href="/subscribe">{tr.t("nav.subscribe")}</a>
            </>
          )}
        </nav>
      </header>
      <div className={`banner ${page.overall}`} role="status" data-testid="overall">
        {tr.t(`overall.${page.overall}`)}
      </div>

      {(page.incidents.length > 0 || page.activeMaintenance.length > 0) && (
        <section aria-labelledby="now-h" className="notices">
          <h2 id="now-h">{tr.t("home.now")}</h2>
          {page.incidents.map((i) => (
            <IncidentSummary key={i.id} incident={i} tr={tr} />
          ))}
          {page.activeMaintenance.map((m) => (
            <MaintenanceSummary key={m.id} maintenance={m} tr={tr} />
          ))}
        </section>
      )}

      {/* The window picker is plain radio inputs: CSS shows the chosen window, no script needed. */}
      <div className="window-picker">
        <fieldset>
          <legend>{tr.t("home.uptimeOver")}</legend>
          {PAGE_WINDOWS.map((w) => (
            <span key={w}>
              <input type="radio" name="window" id={`w-${w}`} value={w} defaultChecked={w === "90d"} />
              <label htmlFor={`w-${w}`}>{tr.t(`window.${w}`)}</label>
            </span>
          ))}
        </fieldset>
        {/* Every row's bars start on the same day: said once here (public/bars.js looks it up). */}
        <div className="groups" data-start={page.groups[0]?.monitors[0]?.bars[0]?.date}>
          {page.groups.map((g) => (
            <section className="group" key={g.name} aria-labelledby={`group-${g.name}`} data-testid="group">
              <h2 id={`group-${g.name}`}>{g.name}</h2>
              {g.slo && (
                <div className="row meta slo" data-testid="group-slo">
                  {tr.t("slo.group", {
                    group: g.name,
                    ratio: tr.percent(g.slo.monthRatio),
                    objective: tr.objective(g.slo.objectivePercent),
                    budget: budget(g.slo, tr),
                  })}
                </div>
              )}
              {g.monitors.map((m) => (
                <MonitorRow key={m.slug} m={m} tr={tr} />
              ))}
            </section>
          ))}
        </div>
        <p className="legend">
          {`${tr.t("legend.days")} `}
          {BAR_LEGEND.map((code) => (
            <span key={code} className={`key k-${code}`}>
              {tr.t(`legend.${code}`)}
            </span>
          ))}
        </p>
      </div>

      {page.upcomingMaintenance.length > 0 && (
        <section aria-labelledby="upcoming-h" className="notices">
          <h2 id="upcoming-h">{tr.t("home.scheduledMaintenance")}</h2>
          {page.upcomingMaintenance.map((m) => (
            <MaintenanceSummary key={m.id} maintenance={m} tr={tr} />
          ))}
        </section>
      )}

      <IncidentTitles bars={page.groups.flatMap((g) => g.monitors.flatMap((m) => m.bars))} />
      <PageWords tr={tr} />
      <footer>
        {/* To the minute, as shown: the page's bytes then change with its data, not with every render. */}
        {rich(tr, "home.updated", { time: <UpdatedAt at={page.generatedAt} tr={tr} /> })} · <a href="/history.atom">Atom</a> ·{" "}
        <a href="/history.rss">RSS</a> · <a href="/api/v2/summary.json">API</a>
      </footer>
    </>
  );
}
