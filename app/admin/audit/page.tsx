import { requireUser } from "../_lib/require-user";
import { AdminNav } from "../_ui/AdminNav";
import { sharedDb } from "@/monitors/queries/shared-db";
import { recentAudit } from "@/monitors/auth/audit";
import { LocalTime } from "@/app/_ui/LocalTime";

export const dynamic = "force-dynamic";
export const metadata = { title: "Audit log · OpenRegistry status", robots: { index: false } };

export default async function Audit({ searchParams }: { searchParams: Promise<{ before?: string | string[] }> }) {
  const user = await requireUser("/admin/audit", "audit.read");
  const { before } = await searchParams;
  const beforeId = typeof before === "string" && /^\d{1,12}$/.test(before) ? Number(before) : undefined;
  const rows = await recentAudit(await sharedDb(), { limit: 100, before: beforeId });
  return (
    <>
      <AdminNav user={user} />
      <h2>Audit log</h2>
      <table className="admin-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Target</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="audit-row">
              <td>
                <LocalTime iso={r.at.toISOString()} />
              </td>
              <td>{r.tokenName ? `API token ${r.tokenName}` : (r.userEmail ?? "system")}</td>
              <td>{r.action}</td>
              <td>{r.target}</td>
              <td>
                <code>{r.details ? JSON.stringify(r.details) : ""}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 100 && <a href={`/admin/audit?before=${rows[rows.length - 1].id}`}>Older entries</a>}
    </>
  );
}
