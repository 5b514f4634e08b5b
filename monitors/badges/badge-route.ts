import { sharedDb } from "../queries/shared-db";
import { handleBadgeRequest, withConditional, type BadgeHttpResponse } from "./badge-response";

/**
 * Rendered badges are reused for a few seconds per URL. README badges are fetched in bursts
 * (every page view of a popular README), and a state change still shows well within the
 * minute that Cache-Control promises. Each web node has its own copy; that is fine for a
 * time-bounded cache of public data.
 */
const TTL_MS = 5000;
const MAX_ENTRIES = 2000;
const cache = new Map<string, { response: BadgeHttpResponse; expires: number }>();

export async function badgeRoute(request: Request, slug: string | null, file: string): Promise<Response> {
  const url = new URL(request.url);
  const key = `${slug ?? ""}/${file}?${url.searchParams.toString()}`;
  const now = Date.now();
  let hit = cache.get(key);
  if (!hit || hit.expires <= now) {
    const response = await handleBadgeRequest(await sharedDb(), slug, file, url, null);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    hit = { response, expires: now + TTL_MS };
    cache.set(key, hit);
  }
  const r = withConditional(hit.response, request.headers.get("if-none-match"));
  return new Response(r.status === 304 ? null : r.body, { status: r.status, headers: r.headers });
}
