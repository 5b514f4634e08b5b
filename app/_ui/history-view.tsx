import { sharedDb } from "@/monitors/queries/shared-db";
import { historyPage } from "@/monitors/queries/history";
import { getOverallStatus } from "@/monitors/queries/status-page";
import type { Locale } from "@/monitors/i18n/locales";
import { translator, type Translator } from "@/monitors/i18n/translator";
import { LocalTime } from "./LocalTime";
import { PagePrefs } from "./PagePrefs";
import { incidentStatusLabel } from "./IncidentSummary";
import { MaintenanceSummary } from "./MaintenanceSummary";
import { statusMetadata } from "./status-metadata";
import { impactLabel } from "./impact-label";

// The history page in one language, shared by app/history/page.tsx (English) and
// app/l/[locale]/history/page.tsx (the others, which the web process serves at /history).

export async function historyMetadata(locale: Locale) {
  const tr = translator(locale);
  return statusMetadata(await getOverallStatus(await sharedDb()), tr.t("history.title"), tr);
}

function monthName(key: string, tr: Translator): string {
  return new Date(`${key}-01T00:00:00Z`).toLocaleDateString(tr.locale, { month: "long", year: "numeric", timeZone: "UTC" });
}

export async function HistoryView({ before, locale }: { before: string | undefined; locale: Locale }) {
  const tr = translator(locale);
  const parsed = before && /^\d{4}-\d{2}-\d{2}$/.test(before) ? new Date(`${before}T00:00:00Z`) : null;
  // Before 1970 there is nothing to show, and 90 days before 0000-01-01 is a negative year the
  // database cannot take: such dates count as garbage too.
  const to = parsed && !Number.isNaN(parsed.getTime()) && parsed.getTime() >= 0 ? parsed : new Date();
  const page = await historyPage(await sharedDb(), to);
  return (
    <>
      <PagePrefs tr={tr} />
      <p>
        <a href="/">{tr.t("nav.status")}</a> · <a href="/history.atom">Atom</a> · <a href="/history.rss">RSS</a>
      </p>
      <h1>{tr.t("history.title")}</h1>
      <p className="meta">
        {tr.t("history.range", { from: page.from.toISOString().slice(0, 10), to: page.to.toISOString().slice(0, 10) })}
      </p>
      {page.months.length === 0 && <p>{tr.t("history.empty")}</p>}
      {page.months.map((m) => (
        <section key={m.month} className="group" aria-labelledby={`m-${m.month}`} data-testid="history-month">
          <h2 id={`m-${m.month}`}>{monthName(m.month, tr)}</h2>
          {m.incidents.map((i) => (
            <div className="row" key={i.id}>
              <div>
                <a href={`/incidents/${i.id}`}>{i.title}</a>
                <div className="meta">
                  <LocalTime iso={i.startedAt.toISOString()} text={tr.utc(i.startedAt)} /> ·{" "}
                  {tr.t("incident.impact", { impact: impactLabel(i.impact, tr) })}
                </div>
              </div>
              <div className="meta">{incidentStatusLabel(i.status, tr)}</div>
            </div>
          ))}
          {m.maintenances.map((x) => (
            <div className="row" key={`m${x.id}`}>
              <MaintenanceSummary maintenance={x} tr={tr} />
            </div>
          ))}
        </section>
      ))}
      {page.olderBefore && (
        <p>
          <a href={`/history?before=${page.olderBefore.toISOString().slice(0, 10)}`} rel="next">
            {tr.t("history.older")}
          </a>
        </p>
      )}
    </>
  );
}
