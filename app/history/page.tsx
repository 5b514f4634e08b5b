import { sharedDb } from "../../monitors/queries/shared-db";
import { historyPage } from "../../monitors/queries/history";
import { getOverallStatus } from "../../monitors/queries/status-page";
import { LocalTime } from "../_ui/LocalTime";
import { INCIDENT_STATUS_LABEL } from "../_ui/IncidentSummary";
import { MaintenanceSummary } from "../_ui/MaintenanceSummary";
import { statusMetadata } from "../_ui/status-metadata";

// `?before=` makes each page its own URL; without it the page is the last 90 days.
export const dynamic = "force-dynamic";

export async function generateMetadata() {
  return statusMetadata(await getOverallStatus(await sharedDb()), "History");
}

function monthName(key: string): string {
  return new Date(`${key}-01T00:00:00Z`).toLocaleDateString("en", { month: "long", year: "numeric", timeZone: "UTC" });
}

export default async function History({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  const { before } = await searchParams;
  const parsed = before && /^\d{4}-\d{2}-\d{2}$/.test(before) ? new Date(`${before}T00:00:00Z`) : null;
  // Before 1970 there is nothing to show, and 90 days before 0000-01-01 is a negative year the
  // database cannot take: such dates count as garbage too.
  const to = parsed && !Number.isNaN(parsed.getTime()) && parsed.getTime() >= 0 ? parsed : new Date();
  const page = await historyPage(await sharedDb(), to);
  return (
    <>
      <p>
        <a href="/">← Status</a> · <a href="/history.atom">Atom</a> · <a href="/history.rss">RSS</a>
      </p>
      <h1>History</h1>
      <p className="meta">
        {page.from.toISOString().slice(0, 10)} to {page.to.toISOString().slice(0, 10)} (UTC)
      </p>
      {page.months.length === 0 && <p>No incidents or maintenance in these 90 days.</p>}
      {page.months.map((m) => (
        <section key={m.month} className="group" aria-labelledby={`m-${m.month}`} data-testid="history-month">
          <h2 id={`m-${m.month}`}>{monthName(m.month)}</h2>
          {m.incidents.map((i) => (
            <div className="row" key={i.id}>
              <div>
                <a href={`/incidents/${i.id}`}>{i.title}</a>
                <div className="meta">
                  <LocalTime iso={i.startedAt.toISOString()} /> · impact {i.impact}
                </div>
              </div>
              <div className="meta">{INCIDENT_STATUS_LABEL[i.status] ?? i.status}</div>
            </div>
          ))}
          {m.maintenances.map((x) => (
            <div className="row" key={`m${x.id}`}>
              <MaintenanceSummary maintenance={x} />
            </div>
          ))}
        </section>
      ))}
      {page.olderBefore && (
        <p>
          <a href={`/history?before=${page.olderBefore.toISOString().slice(0, 10)}`} rel="next">
            Older →
          </a>
        </p>
      )}
    </>
  );
}
