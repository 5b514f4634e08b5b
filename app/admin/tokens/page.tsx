import { requireUser } from "../_lib/require-user";
import { AdminNav } from "../_ui/AdminNav";
import { CommandForm } from "../_ui/CommandForm";
import { LocalTime } from "@/app/_ui/LocalTime";
import { sharedDb } from "@/monitors/queries/shared-db";
import { adminApiTokens } from "@/monitors/queries/admin-views";
import { API_SCOPES, SCOPE_DESCRIPTIONS, storedScopes } from "@/monitors/auth/api-scopes";

export const dynamic = "force-dynamic";
export const metadata = { title: "API tokens · OpenRegistry status", robots: { index: false } };

export default async function Tokens() {
  const user = await requireUser("/admin/tokens", "token.write");
  const tokens = await adminApiTokens(await sharedDb());
  const now = new Date();
  return (
    <>
      <AdminNav user={user} />
      <h2>API tokens</h2>
      <p>
        Tokens for the management API (<a href="/api/admin/v1/openapi.json">/api/admin/v1</a>). A token's secret is shown once, when it is
        made; only a hash is kept. Every write a token makes is in the audit log under its name.
      </p>
      <table className="admin-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Scopes</th>
            <th>Expires</th>
            <th>Last used</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => {
            const state = t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt <= now ? "expired" : "active";
            return (
              <tr key={t.id} data-testid="api-token">
                <td>
                  {t.name}
                  <div className="meta">made by {t.createdBy?.email ?? "the command line"}</div>
                </td>
                <td>{storedScopes(t.scopes).join(", ")}</td>
                <td>{t.expiresAt ? <LocalTime iso={t.expiresAt.toISOString()} /> : "never"}</td>
                <td>{t.lastUsedAt ? <LocalTime iso={t.lastUsedAt.toISOString()} /> : "never"}</td>
                <td>{state}</td>
                <td>
                  {state !== "revoked" && (
                    <CommandForm
                      action="token.revoke"
                      fields={[{ kind: "hidden", name: "id", value: String(t.id) }]}
                      submit="Revoke"
                      inline
                      danger
                      confirm={`Revoke the token ${t.name}? Its requests fail from now on.`}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <section aria-labelledby="new-token-h">
        <h3 id="new-token-h">Make a token</h3>
        <CommandForm
          action="token.create"
          submit="Make token"
          fields={[
            { kind: "text", name: "name", label: "Name (who uses it: alertmanager, deploy-bot)" },
            {
              kind: "checkboxes",
              name: "scopes",
              label: "Scopes",
              options: API_SCOPES.map((s) => ({ value: s, label: `${s}: ${SCOPE_DESCRIPTIONS[s]}` })),
            },
            { kind: "number", name: "expiresInDays", label: "Expires after (days; empty: never)" },
          ]}
        />
      </section>
    </>
  );
}
