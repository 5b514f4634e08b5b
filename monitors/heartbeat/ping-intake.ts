import type { Db } from "../store/client";
import { answerWhenBusy } from "../api/busy-answer";
import { TtlCache } from "../queries/ttl-cache";
import { firstLine } from "../core/error-text";
import { readBodyPrefix } from "./ping-body";
import { WindowCounter } from "./ping-rate-limit";
import { TOKEN_SHAPE, tokenHash } from "./ping-token";
import type { PingKind } from "./heartbeat-judge";
import { PingBatchWriter } from "./ping-batch-writer";

/** A POST body is kept up to this many bytes as the ping's message; the rest is cut and flagged. */
export const MAX_PING_BODY_BYTES = 10 * 1024;
/** Unknown tokens one address may try per minute before it is answered 429 (guessing costs a lookup each). */
const UNKNOWN_TOKENS_PER_MINUTE = 30;
/** Known token lookups are reused this long: a token that was just generated answers 404 for at most this. */
const TOKEN_CACHE_MS = 5_000;

export interface PingRequest {
  req: Request;
  token: string;
  /** The path segment after the token: undefined, "start", "fail" or an exit code. */
  signal?: string;
  /** The client's address, as the web server saw it. */
  address: string;
}

type Signal = { kind: PingKind; exitCode: number | null };

/** What /ping/<token>/<signal> means, or null (404) for anything else. */
export function parseSignal(signal: string | undefined): Signal | null {
  if (signal === undefined) return { kind: "success", exitCode: null };
  if (signal === "start") return { kind: "start", exitCode: null };
  if (signal === "fail") return { kind: "fail", exitCode: null };
  if (!/^\d{1,3}$/.test(signal)) return null;
  const code = Number(signal);
  if (code > 255) return null;
  return { kind: code === 0 ? "success" : "fail", exitCode: code };
}

/** Pings per minute one address may send with one token (PING_RATE_LIMIT; 0 turns the limit off). */
export function pingRateLimit(env: Record<string, string | undefined> = process.env): number {
  const v = Number(env.PING_RATE_LIMIT ?? 60);
  return Number.isFinite(v) && v >= 0 ? v : 60;
}

// On globalThis like the shared client: Next.js may load this module once per route bundle.
function intakeState() {
  const g = globalThis as {
    statusPingIntake?: { perToken: WindowCounter; unknown: WindowCounter; tokens: TtlCache<number | null>; writer?: PingBatchWriter };
  };
  g.statusPingIntake ??= {
    perToken: new WindowCounter(pingRateLimit(), 60_000),
    unknown: new WindowCounter(UNKNOWN_TOKENS_PER_MINUTE, 60_000),
    tokens: new TtlCache<number | null>(TOKEN_CACHE_MS, 10_000),
  };
  return g.statusPingIntake;
}

function answer(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

const notFound = () => answer(404, "not found\n");

function limited(resetAt: number, now: number): Response {
  return answer(429, "too many pings\n", { "retry-after": String(Math.max(1, Math.ceil((resetAt - now) / 1000))) });
}

/**
 * One ping: the token is looked up by its hash (cached a few seconds per node), the ping is stamped
 * with this node's clock and stored; the agent judges it (heartbeat-pass.ts). An unknown token is a
 * bare 404. Nothing here logs or answers the token.
 */
export async function receivePing(db: Db, ping: PingRequest): Promise<Response> {
  const at = new Date();
  const now = at.getTime();
  const signal = parseSignal(ping.signal);
  if (!signal || !TOKEN_SHAPE.test(ping.token)) return notFound();
  const state = intakeState();
  const hash = tokenHash(ping.token);
  if (state.perToken.limit > 0) {
    const h = state.perToken.hit(`${ping.address}|${hash}`, now);
    if (!h.allowed) return limited(h.resetAt, now);
  }
  try {
    return await answerWhenBusy(async () => {
      const monitorId = await state.tokens.get(hash, () => monitorOfToken(db, hash));
      if (monitorId === null) {
        const u = state.unknown.hit(ping.address, now);
        return u.allowed ? notFound() : limited(u.resetAt, now);
      }
      const body = ping.req.method === "POST" ? await readBodyPrefix(ping.req, MAX_PING_BODY_BYTES) : { text: "", truncated: false };
      state.writer ??= new PingBatchWriter(db);
      await state.writer.write({
        monitorId,
        at,
        kind: signal.kind,
        exitCode: signal.exitCode,
        body: body.text || null,
        bodyTruncated: body.truncated,
      });
      return answer(200, body.truncated ? `OK (body cut at ${MAX_PING_BODY_BYTES} bytes)\n` : "OK\n");
    });
  } catch (e) {
    // The request URL holds the token: the error is logged without it.
    console.error(`${new Date().toISOString()} web: a ping failed: ${firstLine(e)}`);
    return answer(500, "internal error\n");
  }
}

async function monitorOfToken(db: Db, hash: string): Promise<number | null> {
  const row = await db.heartbeatToken.findUnique({
    where: { tokenHash: hash },
    select: { monitorId: true, monitor: { select: { archivedAt: true, kind: true } } },
  });
  return row && row.monitor.archivedAt === null && row.monitor.kind === "heartbeat" ? row.monitorId : null;
}
