import { sharedDb } from "../queries/shared-db";
import { TtlCache } from "../queries/ttl-cache";
import { handleBadgeRequest, withConditional, type BadgeHttpResponse } from "./badge-response";

/**
 * Rendered badges are reused for 5 s per URL: README badges are fetched in bursts, and a
 * state change still shows well within the minute that Cache-Control promises.
 */
const cache = new TtlCache<BadgeHttpResponse>(5000, 2000);

export async function badgeRoute(request: Request, slug: string | null, file: string): Promise<Response> {
  const url = new URL(request.url);
  const key = `${slug ?? ""}/${file}?${url.searchParams.toString()}`;
  const response = await cache.get(key, async () => handleBadgeRequest(await sharedDb(), slug, file, url, null));
  const r = withConditional(response, request.headers.get("if-none-match"));
  return new Response(r.status === 304 ? null : r.body, { status: r.status, headers: r.headers });
}
