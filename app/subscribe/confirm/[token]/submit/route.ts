import { sharedDb } from "../../../../../monitors/queries/shared-db";
import { confirmSubscription } from "../../../../../monitors/subscribers/subscriptions";

export const dynamic = "force-dynamic";

export async function POST(_req: Request, ctx: { params: Promise<{ token: string }> }) {
  const { token } = await ctx.params;
  const r = await confirmSubscription(await sharedDb(), token);
  return new Response(null, { status: 303, headers: { location: `/subscribe/result?r=${r.ok ? "confirmed" : "invalid"}`, "cache-control": "no-store" } });
}
