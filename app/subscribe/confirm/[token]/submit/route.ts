import { withBusyRetry } from "@/monitors/store/busy-retry";
import { answerWhenBusy } from "@/monitors/api/busy-answer";
import { sharedDb } from "@/monitors/queries/shared-db";
import { confirmSubscription } from "@/monitors/subscribers/subscriptions";

export const dynamic = "force-dynamic";

export async function POST(_req: Request, ctx: { params: Promise<{ token: string }> }) {
  const { token } = await ctx.params;
  // Still busy after the retries: a 503 with Retry-After, not an empty 500.
  return answerWhenBusy(async () => {
    const db = await sharedDb();
    const r = await withBusyRetry(() => confirmSubscription(db, token));
    return new Response(null, {
      status: 303,
      headers: { location: `/subscribe/result?r=${r.ok ? "confirmed" : "invalid"}`, "cache-control": "no-store" },
    });
  });
}
