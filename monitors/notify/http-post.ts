import { request } from "undici";
import type { Readable } from "node:stream";
import { decodeUtf8, readCapped } from "../probes/read-capped";
import { DeliveryError, httpDeliveryError } from "./delivery-error";

/** Enough of an error page to explain a refusal; the rest is dropped unread. */
const KEEP_BYTES = 64 * 1024;
const QUOTE_CHARS = 200;

export interface PostOptions {
  timeoutMs?: number;
  /** Aborts the request (shutdown); the error is transient. */
  signal?: AbortSignal;
}

/**
 * POSTs a body and resolves on a 2xx answer; anything else is a DeliveryError. Messages name
 * the status and host only: Slack and Discord webhook URLs carry their secret in the path, and
 * errors end up in the outbox table and the admin UI.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: PostOptions = {},
): Promise<{ status: number }> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new DeliveryError("invalid target URL", { permanent: true });
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new DeliveryError(`unsupported URL scheme ${target.protocol}`, { permanent: true });
  }
  const host = target.host;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;

  try {
    const res = await request(target, { method: "POST", body, headers, signal });
    if (res.statusCode >= 200 && res.statusCode < 300) {
      // Drain a little so the connection can be reused; receivers' bodies are of no interest.
      await res.body.dump({ limit: KEEP_BYTES }).catch(() => {});
      return { status: res.statusCode };
    }
    const read = await readCapped(res.body as unknown as Readable, KEEP_BYTES).catch(() => null);
    const quoted = read ? quote(redact(decodeUtf8(read.bytes, read.truncated).text, target)) : "";
    const retryAfter = res.headers["retry-after"];
    throw httpDeliveryError(
      res.statusCode,
      `HTTP ${res.statusCode} from ${host}${quoted ? `: ${quoted}` : ""}`,
      Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
    );
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    if (timeout.aborted) throw new DeliveryError(`POST to ${host} timed out after ${timeoutMs} ms`, { permanent: false });
    if (opts.signal?.aborted) throw new DeliveryError(`POST to ${host} aborted`, { permanent: false });
    // Network failures (refused, reset, DNS) are worth retrying. The cause is not attached:
    // some undici errors keep the request options, URL included.
    throw new DeliveryError(`POST to ${host} failed: ${redact(describe(err), target)}`, { permanent: false });
  }
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === "string" ? e.message : String(err);
  return typeof e?.code === "string" && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}

/** Removes the URL's path and query from text that might echo them (a 404 page, an error message). */
function redact(text: string, url: URL): string {
  let out = text.split(url.href).join("…");
  const secretParts = [url.pathname + url.search, url.pathname, url.search].filter((p) => p.length > 1);
  for (const part of secretParts) out = out.split(part).join("…");
  return out;
}

function quote(text: string): string {
  const oneLine = text
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!oneLine) return "";
  const cut = [...oneLine];
  return JSON.stringify(cut.length > QUOTE_CHARS ? `${cut.slice(0, QUOTE_CHARS).join("")}…` : oneLine);
}

/** A chat service's incoming-webhook message (Slack, Discord): JSON with the same headers for both. */
export async function postChatMessage(url: string, message: unknown, opts: PostOptions = {}): Promise<void> {
  await postJson(url, JSON.stringify(message), { "content-type": "application/json", "user-agent": "openregistry-status" }, opts);
}
