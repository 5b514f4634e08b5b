import { timingSafeEqual } from "node:crypto";
import type { NextApiRequest, NextApiResponse } from "next";

// The Pages Router's half of app/api/internal/revalidate: revalidatePath does not reach the cached
// pages of pages/ (the home, monitor and incident pages), so after an announced change the web process
// asks for them here, by path, and each is rendered afresh before this answers. Same guard as the
// App Router route: only the web process knows the per-start token, and it answers 404 to anyone
// else on /api/internal/ before Next.js sees the request.

const TOKEN_HEADER = "x-status-internal";
// The home, monitor and incident pages, in English or at their other languages' paths (/l/de/monitors/x).
const PAGE = /^(?:\/l\/[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)?(?:\/|\/monitors\/[a-z0-9-]{1,64}|\/incidents\/\d{1,12})?$/;

function authorised(req: NextApiRequest): boolean {
  const expected = Buffer.from(process.env.STATUS_INTERNAL_TOKEN ?? "");
  const given = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ""));
  return req.method === "POST" && expected.length >= 32 && given.length === expected.length && timingSafeEqual(given, expected);
}

export default async function revalidatePages(req: NextApiRequest, res: NextApiResponse) {
  res.setHeader("cache-control", "no-store");
  if (!authorised(req)) return res.status(404).send("not found\n");
  const paths = (Array.isArray(req.body?.paths) ? req.body.paths : []).filter(
    (p: unknown): p is string => typeof p === "string" && p !== "" && PAGE.test(p),
  );
  // A page that fails to render keeps its last copy and is regenerated at its next 4 s.
  await Promise.all(paths.map((p: string) => res.revalidate(p).catch(() => {})));
  res.status(204).end();
}
