import { TtlCache } from "../queries/ttl-cache";

/** Public JSON may be cached briefly by browsers and CDNs; the freshness promise is 10 s. */
export const PUBLIC_JSON_CACHE_CONTROL = "public, max-age=5, s-maxage=5, stale-while-revalidate=30";

const cache = new TtlCache<string>(3000, 200);

/** A JSON answer computed at most every 3 s per key, with CORS open for widgets. */
export async function cachedJson(key: string, compute: () => Promise<unknown>): Promise<Response> {
  const body = await cache.get(key, async () => JSON.stringify(await compute()));
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": PUBLIC_JSON_CACHE_CONTROL,
      "access-control-allow-origin": "*",
      "x-content-type-options": "nosniff",
    },
  });
}

export function jsonError(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: message }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}
