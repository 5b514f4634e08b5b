import { timingSafeEqual } from "node:crypto";
import { sharedDb } from "@/monitors/queries/shared-db";
import { prometheusMetrics } from "@/monitors/api/prometheus-metrics";

export const dynamic = "force-dynamic";

/** Hidden monitors are included only for a scraper that presents METRICS_TOKEN as a bearer token. */
function authorized(request: Request): boolean {
  const token = process.env.METRICS_TOKEN;
  const given = request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
  if (!token || !given) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function GET(request: Request) {
  const body = await prometheusMetrics(await sharedDb(), { includeHidden: authorized(request) });
  return new Response(body, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
}
