import { notFound } from "next/navigation";
import { headers } from "next/headers";
import { sharedDb } from "../../../monitors/queries/shared-db";
import { getMonitorPage } from "../../../monitors/queries/monitor-page";
import { formatLatency, formatPercent, COMPONENT_LABEL } from "../../../monitors/queries/format";
import { ALL_WINDOWS } from "../../../monitors/queries/uptime";
import { embedSnippets } from "../../../monitors/badges/embed-snippets";
import { publicBaseUrl } from "../../../monitors/queries/public-url";

export const dynamic = "force-dynamic";

export default async function MonitorDetail({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const page = await getMonitorPage(await sharedDb(), slug);
  if (!page) notFound();
  const embed = embedSnippets(publicBaseUrl(await headers()), page.slug, page.name);
  return (
    <>
      <p><a href="/">← All systems</a></p>
      <h1>{page.name}</h1>
      {page.description && <p className="meta">{page.description}</p>}
      <div className="row">
        <div className="meta">{page.group} · last response {formatLatency(page.lastLatencyMs)}</div>
        <div className={`status ${page.status}`} data-testid="monitor-status">{COMPONENT_LABEL[page.status]}</div>
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
      </section>
      <section className="group" aria-labelledby="changes-h">
        <h2 id="changes-h">Recent state changes</h2>
        {page.stateChanges.length === 0 ? <div className="row meta">None yet.</div> : null}
        {page.stateChanges.map((c, i) => (
          <div className="row" key={i}>
            <div>{c.from} → {c.to}</div>
            <time className="meta" dateTime={c.at.toISOString()}>{c.at.toISOString().replace("T", " ").slice(0, 16)} UTC</time>
          </div>
        ))}
      </section>
      <section className="group embed" aria-labelledby="embed-h">
        <h2 id="embed-h">Embed</h2>
        <label>Markdown<textarea readOnly rows={2} value={embed.markdown} data-testid="embed-markdown" /></label>
        <label>HTML<textarea readOnly rows={2} value={embed.html} /></label>
        <label>shields.io endpoint<textarea readOnly rows={1} value={embed.shields} /></label>
      </section>
    </>
  );
}
