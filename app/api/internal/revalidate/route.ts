import { timingSafeEqual } from "node:crypto";
import { revalidatePath } from "next/cache";
import { clearTtlCaches } from "@/monitors/queries/ttl-cache";

// Lets scripts/web-server.mjs drop the cached public pages of its own Next.js process after a
// change: a write this node answered, or one the database announced (LISTEN/NOTIFY; README, "When a
// change reaches the page"). revalidatePath works only
// inside a request to Next.js, so the server asks itself here. Only that server knows the token: a
// random value it generates at every start and puts in this process's environment, never sent to
// a client. The server already answers 404 to anything else on /api/internal/ before Next.js sees
// it; this check holds on its own as well (e.g. under `next start`, where no token exists).

export const dynamic = "force-dynamic";

const TOKEN_HEADER = "x-status-internal";

function authorised(req: Request): boolean {
  const expected = Buffer.from(process.env.STATUS_INTERNAL_TOKEN ?? "");
  const given = Buffer.from(req.headers.get(TOKEN_HEADER) ?? "");
  return expected.length >= 32 && given.length === expected.length && timingSafeEqual(given, expected);
}

function notFound(): Response {
  return new Response("not found\n", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

export async function POST(req: Request): Promise<Response> {
  if (!authorised(req)) return notFound();
  // Every cached page of the app (each one sits under the root layout) renders afresh on its next visit.
  revalidatePath("/", "layout");
  clearTtlCaches();
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}

// Every other method is as unknown as the route itself (Next.js would otherwise answer 405, or
// OPTIONS with the methods that exist).
export const GET = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
