import { requireUser } from "./_lib/require-user";
import { AdminNav } from "./_ui/AdminNav";
import { CommandForm } from "./_ui/CommandForm";
import { sharedDb } from "@/monitors/queries/shared-db";
import {
  activeSilences,
  adminOpenIncidents,
  agentsSeen,
  monitorChoices,
  monitorsFailingNow,
  outboxCounts,
  outboxProblems,
} from "@/monitors/queries/admin-views";
import { can } from "@/monitors/auth/permissions";
import { LocalTime } from "../_ui/LocalTime";
import { HeartbeatUrls } from "./_ui/HeartbeatUrls";

export const dynamic = "force-dynamic";
export const metadata = { title: "Maintainers · OpenRegistry status", robots: { index: false } };

export default async function Dashboard() {
  const user = await requireUser("/admin");
  const db = await sharedDb();
  const [incidents, failing, problems, counts, agents, silences, monitors] = await Promise.all([
    adminOpenIncidents(db),
    monitorsFailingNow(db),
    outboxProblems(db, 20),
    outboxCounts(db),
    agentsSeen(db),
    activeSilences(db),
    monitorChoices(db),
  ]);
  return (
    <>
      <AdminNav user={user} />
      <section aria-labelledby="open-h">
        <h2 id="open-h">Open incidents</h2>
        {incidents.length === 0 && <p>No open incidents.</p>}
        <ul className="admin-list">
          {incidents.map((i) => (
            <li key={i.id} className={i.acknowledgedAt ? "incident" : "incident unacknowledged"} data-testid="open-incident">
              <a href={`/admin/incidents/${i.id}`}>
                <strong>{i.title}</strong>
              </a>{" "}
              <span className={`pill ${i.impact}`}>{i.impact}</span> <span className="pill">{i.status}</span>{" "}
              {i.auto && <span className="pill">automatic</span>}
              <div className="meta">
                since <LocalTime iso={i.startedAt.toISOString()} /> · {i.monitors.map((m) => m.monitor.name).join(", ") || "no components"}{" "}
                ·{" "}
                {i.acknowledgedAt ? (
                  <>
                    acknowledged by {i.acknowledgedBy?.email ?? "a link in a notification"} at{" "}
                    <LocalTime iso={i.acknowledgedAt.toISOString()} />
                  </>
                ) : (
                  <strong>not acknowledged</strong>
                )}
              </div>
              {!i.acknowledgedAt && (
                <CommandForm
                  action="incident.acknowledge"
                  fields={[{ kind: "hidden", name: "id", value: String(i.id) }]}
                  submit="Acknowledge"
                  inline
                />
              )}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="failing-h">
        <h2 id="failing-h">Monitors failing now</h2>
        {failing.length === 0 ? (
          <p>Every monitor is up.</p>
        ) : (
          <ul className="admin-list">
            {failing.map((m) => (
              <li key={m.id}>
                <span className={`pill ${m.state?.status}`}>{m.state?.status}</span> {m.name}{" "}
                {!m.isPublic && <span className="pill">hidden</span>}
                {m.state?.since && (
                  <>
                    {" "}
                    since <LocalTime iso={m.state.since.toISOString()} />
                  </>
                )}
                {m.state?.lastError && <div className="meta">{m.state.lastError}</div>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="silence-h">
        <h2 id="silence-h">Silenced monitors</h2>
        <p>A silenced monitor is still checked and shown as it is; only the notifications to the channels about it are held.</p>
        {silences.length > 0 && (
          <ul className="admin-list">
            {silences.map((s) => (
              <li key={s.monitorId} data-testid="silence">
                {s.monitor.name} until <LocalTime iso={s.until.toISOString()} />
                {s.reason && <div className="meta">{s.reason}</div>}
                <CommandForm
                  action="monitor.unsilence"
                  fields={[{ kind: "hidden", name: "slug", value: s.monitor.slug }]}
                  submit="End silence"
                  inline
                />
              </li>
            ))}
          </ul>
        )}
        {monitors.length > 0 && (
          <CommandForm
            action="monitor.silence"
            submit="Silence"
            fields={[
              { kind: "select", name: "slug", label: "Monitor", options: monitors.map((m) => ({ value: m.slug, label: m.name })) },
              { kind: "number", name: "minutes", label: "For how many minutes", defaultValue: "60" },
              { kind: "text", name: "reason", label: "Why (optional)" },
            ]}
          />
        )}
      </section>
      <section aria-labelledby="deliveries-h">
        <h2 id="deliveries-h">Notifications</h2>
        <p>
          {counts.delivered ?? 0} delivered · {counts.pending ?? 0} waiting · {counts.failed ?? 0} failed
        </p>
        {problems.length > 0 && (
          <table className="admin-table">
            <thead>
              <tr>
                <th>Event</th>
                <th>To</th>
                <th>State</th>
                <th>Last error</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {problems.map((p) => (
                <tr key={p.id} data-testid="delivery-problem">
                  <td>{p.eventKey}</td>
                  <td>{p.channel?.name ?? p.target.replace(/^subscriber:.*/, "a subscriber")}</td>
                  <td>
                    {p.status} after {p.attempts} attempt(s)
                  </td>
                  <td>{p.lastError}</td>
                  <td>
                    {p.status === "failed" && can(user.role, "outbox.retry") && (
                      <CommandForm
                        action="outbox.retry"
                        fields={[{ kind: "hidden", name: "id", value: String(p.id) }]}
                        submit="Retry"
                        inline
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="agents-h">
        <h2 id="agents-h">Agents</h2>
        {agents.length === 0 ? (
          <p>No agent has reported. Is `npm run agent` running?</p>
        ) : (
          <ul className="admin-list">
            {agents.map((a) => (
              <li key={a.id}>
                <span className={`pill ${a.alive ? "up" : "down"}`}>{a.alive ? "alive" : "silent"}</span> {a.region} on {a.hostname}, last
                seen <LocalTime iso={a.lastSeenAt.toISOString()} /> · {a.monitors} monitor{a.monitors === 1 ? "" : "s"}, {a.checks} checks
                {a.latenessP99Ms !== null && (
                  <>
                    {" "}
                    · lateness p50 {a.latenessP50Ms?.toFixed(1) ?? "–"} ms, p99 {a.latenessP99Ms.toFixed(1)} ms
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      {can(user.role, "token.write") && <HeartbeatUrls db={db} />}
    </>
  );
}
