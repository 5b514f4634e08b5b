import { sharedDb } from "@/monitors/queries/shared-db";
import { publicBaseUrl } from "@/monitors/presentation/public-url";
import { atomFeed } from "@/monitors/api/feeds";
import { PUBLIC_JSON_CACHE_CONTROL } from "@/monitors/api/json-route";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const body = await atomFeed(await sharedDb(), publicBaseUrl(request.headers));
  return new Response(body, {
    headers: { "content-type": "application/atom+xml; charset=utf-8", "cache-control": PUBLIC_JSON_CACHE_CONTROL },
  });
}
