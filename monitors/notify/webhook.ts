import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookConfig } from "./channel-config";
import { postJson, type PostOptions } from "./http-post";
import type { NotificationEvent } from "./notification-event";

/**
 * Generic webhook: the event as JSON, signed so the receiver can tell it came from us and was
 * not replayed. The signature covers `${t}.${rawBody}`: binding the timestamp stops an old
 * captured delivery from being accepted later with a fresh `t`.
 */
export const SIGNATURE_HEADER = "x-status-signature";

function hmacHex(secret: string, t: number, body: string | Buffer): string {
  return createHmac("sha256", secret).update(`${t}.`).update(body).digest("hex");
}

/** The x-status-signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export function signWebhook(secret: string, body: string | Buffer, nowSec: number = Math.floor(Date.now() / 1000)): string {
  const t = Math.floor(nowSec);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

/**
 * Checks a signature header against the raw request body (before any JSON parsing, which would
 * change the bytes). Several v1 entries are accepted so a receiver can rotate secrets.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Buffer,
  opts: { toleranceSec?: number; nowSec?: number } = {},
): boolean {
  if (!header) return false;
  const toleranceSec = opts.toleranceSec ?? 300;
  const nowSec = opts.nowSec ?? Math.floor(Date.now() / 1000);
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === "v1") candidates.push(value);
  }
  if (t === undefined || candidates.length === 0) return false;
  if (Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, t, rawBody), "utf8");
  let ok = false;
  for (const c of candidates) {
    const got = Buffer.from(c, "utf8");
    // timingSafeEqual throws on different lengths; the length of a hex digest is no secret.
    if (got.length === expected.length && timingSafeEqual(got, expected)) ok = true;
  }
  return ok;
}

export async function sendWebhook(config: WebhookConfig, event: NotificationEvent, opts: PostOptions = {}): Promise<void> {
  const body = JSON.stringify(event);
  await postJson(
    config.url,
    body,
    {
      "content-type": "application/json",
      "user-agent": "openregistry-status",
      "x-status-event": event.type,
      // Stable across retries and targets, so receivers can drop duplicates.
      "x-status-delivery": event.id,
      [SIGNATURE_HEADER]: signWebhook(config.secret, body),
    },
    opts,
  );
}
