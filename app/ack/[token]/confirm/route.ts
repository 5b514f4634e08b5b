import { withBusyRetry } from "@/monitors/store/busy-retry";
import { answerWhenBusy } from "@/monitors/api/busy-answer";
import { sharedDb } from "@/monitors/queries/shared-db";
import { redeemAckLink } from "@/monitors/admin/ack-link";

export const dynamic = "force-dynamic";

/** The acknowledge button's POST. The single-use token is the authority, so no session is needed. */
export async function POST(_req: Request, ctx: { params: Promise<{ token: string }> }) {
  const { token } = await ctx.params;
  // Still busy after the retries: a 503 with Retry-After, not an empty 500.
  return answerWhenBusy(async () => {
    const db = await sharedDb();
    const r = await withBusyRetry(() => redeemAckLink(db, token));
    const location = `/ack/${encodeURIComponent(token)}${r.ok ? "?m=ok" : ""}`;
    return new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });
  });
}
