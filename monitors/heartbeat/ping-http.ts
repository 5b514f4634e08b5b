import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { sharedDb } from "../queries/shared-db";
import { clientIp } from "../admin/request-guard";
import { receivePing } from "./ping-intake";

/**
 * /ping/<token>[/<signal>] answered by the web server itself (scripts/web-server.mjs), before
 * Next.js: a ping is a tiny write that jobs send in bursts, and going through Next's routing cost
 * most of its time (README, "Heartbeat monitors", throughput). The same receivePing does the work.
 */
export async function servePing(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const parts = path.split("/").filter(Boolean);
  // ["ping", token] or ["ping", token, signal]; anything else does not exist.
  const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers });
    res.end(text);
  };
  if (parts.length < 2 || parts.length > 3) return answer(404, "not found\n");
  if (req.method !== "GET" && req.method !== "POST" && req.method !== "HEAD")
    return answer(405, "use GET or POST\n", { allow: "GET, POST" });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const request = new Request(`http://ping.local${req.url ?? "/"}`, {
    method: req.method === "HEAD" ? "GET" : req.method,
    headers,
    ...(req.method === "POST" ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
  const r = await receivePing(await sharedDb(), { req: request, token: parts[1], signal: parts[2], address: clientIp(headers) });
  res.writeHead(r.status, Object.fromEntries(r.headers));
  res.end(req.method === "HEAD" ? undefined : await r.text());
}
