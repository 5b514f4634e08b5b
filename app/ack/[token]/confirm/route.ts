import { withBusyRetry } from "../../../../monitors/store/busy-retry";
import { sharedDb } from "../../../../monitors/queries/shared-db";
import { useAckLink } from "../../../../monitors/admin/ack-link";


export const dynamic = "force-dynamic";

/** The acknowledge button's POST. The single-use token is the authority, so no session is needed. */
export async function POST(_req: Request, ctx: { params: Promise<{ token: string }> }) {
  const { token } = await ctx.params;
  const db = await sharedDb();
  const r = await withBusyRetry(() => useAckLink(db, token));
  const location = `/ack/${encodeURIComponent(token)}${r.ok ? "?m=ok" : ""}`;
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });
}
