import { sharedDb } from "../queries/shared-db";
import { handleBadgeRequest } from "./badge-response";

/** Turns a badge answer into a web Response (the route files stay one line each). */
export async function badgeRoute(request: Request, slug: string | null, file: string): Promise<Response> {
  const r = await handleBadgeRequest(await sharedDb(), slug, file, new URL(request.url), request.headers.get("if-none-match"));
  return new Response(r.status === 304 ? null : r.body, { status: r.status, headers: r.headers });
}
