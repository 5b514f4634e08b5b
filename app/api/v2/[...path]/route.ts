import { sharedDb } from "@/monitors/queries/shared-db";
import { publicBaseUrl } from "@/monitors/presentation/public-url";
import { statuspageV2, STATUSPAGE_ENDPOINTS, type StatuspageEndpoint } from "@/monitors/api/statuspage-v2";
import { cachedJson, jsonError } from "@/monitors/api/json-route";

export const dynamic = "force-dynamic";

export async function GET(request: Request, ctx: { params: Promise<{ path: string[] }> }) {
  const { path } = await ctx.params;
  const endpoint = path.join("/").replace(/\.json$/, "") as StatuspageEndpoint;
  if (!path.at(-1)?.endsWith(".json") || !STATUSPAGE_ENDPOINTS.includes(endpoint)) {
    return jsonError(404, `unknown endpoint; try ${STATUSPAGE_ENDPOINTS.map((e) => `/api/v2/${e}.json`).join(", ")}`);
  }
  const baseUrl = publicBaseUrl(request.headers);
  return cachedJson(`${baseUrl}|${endpoint}`, async () => statuspageV2(endpoint, { db: await sharedDb(), baseUrl }));
}
