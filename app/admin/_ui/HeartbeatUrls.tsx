import { headers } from "next/headers";
import type { Db } from "@/monitors/store/client";
import { heartbeatAdminRows } from "@/monitors/heartbeat/heartbeat-admin-view";
import { publicBaseUrl } from "@/monitors/presentation/public-url";
import { LocalTime } from "../../_ui/LocalTime";

/** Heartbeat monitors' ping URLs and last pings, for admins only (the token is a secret). */
export async function HeartbeatUrls({ db }: { db: Db }) {
  const rows = await heartbeatAdminRows(db);
  if (rows.length === 0) return null;
  const base = publicBaseUrl(await headers());
  return (
    <section aria-labelledby="heartbeat-h">
      <h2 id="heartbeat-h">Heartbeat ping URLs</h2>
      <p>Keep these secret: anyone with a URL can report for its job. Add /start, /fail or /&lt;exit code&gt; as the README says.</p>
      <ul className="admin-list">
        {rows.map((r) => (
          <li key={r.slug} data-testid="heartbeat-url">
            <strong>{r.name}</strong> ({r.slug}):{" "}
            {r.token ? (
              <code>{`${base}/ping/${r.token}`}</code>
            ) : (
              <>
                <code>{base}/ping/</code> followed by the value of <code>{r.tokenEnv ?? "its token variable"}</code>
              </>
            )}
            <div className="meta">
              {r.lastPing ? (
                <>
                  last ping <LocalTime iso={r.lastPing.at.toISOString()} />: {r.lastPing.kind}
                  {r.lastPing.exitCode !== null && ` (exit code ${r.lastPing.exitCode})`}
                  {r.lastPing.body && (
                    <>
                      {" "}
                      · message{r.lastPing.bodyTruncated && " (cut at 10 KB)"}: <code>{r.lastPing.body.slice(0, 300)}</code>
                    </>
                  )}
                </>
              ) : (
                "no ping yet"
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
