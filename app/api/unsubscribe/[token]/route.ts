import { withBusyRetry } from "@/monitors/store/busy-retry";
import { answerWhenBusy } from "@/monitors/api/busy-answer";
import { sharedDb } from "@/monitors/queries/shared-db";
import { unsubscribe } from "@/monitors/subscribers/subscriptions";

export const dynamic = "force-dynamic";

/** Opening the link shows a button; nothing changes on GET (mail scanners open links). */
export async function GET(_req: Request, ctx: { params: Promise<{ token: string }> }) {
  const { token } = await ctx.params;
  return new Response(null, {
    status: 303,
    headers: { location: `/unsubscribe/${encodeURIComponent(token)}`, "cache-control": "no-store" },
  });
}

/** The page's button, and RFC 8058 one-click POSTs from mail clients. The token is the authority. */
export async function POST(req: Request, ctx: { params: Promise<{ token: string }> }) {
  const { token } = await ctx.params;
  // Still busy after the retries: a 503 with Retry-After, not an empty 500.
  return answerWhenBusy(async () => {
    const db = await sharedDb();
    const r = await withBusyRetry(() => unsubscribe(db, token));
    const oneClick = (req.headers.get("content-type") ?? "").includes("form") && !(req.headers.get("accept") ?? "").includes("text/html");
    if (oneClick)
      return new Response(r.message, { status: r.ok ? 200 : 400, headers: { "content-type": "text/plain", "cache-control": "no-store" } });
    return new Response(null, {
      status: 303,
      headers: { location: `/subscribe/result?r=${r.ok ? "unsubscribed" : "invalid"}`, "cache-control": "no-store" },
    });
  });
}
