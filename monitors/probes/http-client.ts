import { Agent, request } from "undici";
import type { Readable } from "node:stream";
import { PhaseTimer, timedConnector } from "./phase-timer";
import { readCapped } from "./read-capped";
import { BodyCutShortError } from "./body-cut-short";
import type { Phases } from "../core/probe-result";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface CappedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  truncated: boolean;
  phases: Phases;
  ms: number;
}

/**
 * One dispatcher for a multi-step check (registry pull, skylink round trip…): connections are
 * reused between steps to the same host, and each request reports its own phases (a reused
 * connection has no DNS, connect or TLS phase).
 */
export class StepHttpClient {
  private timer = new PhaseTimer();
  private readonly dispatcher: Agent;

  constructor(private readonly opts: { signal: AbortSignal; timeoutMs: number; tlsVerify: boolean; ca?: string | Buffer }) {
    // New sockets are reported to whichever step's timer is current.
    const connect = timedConnector(
      (socket, secure) => this.timer.watch(socket, secure),
      { rejectUnauthorized: opts.tlsVerify, ca: opts.ca },
      opts.timeoutMs,
    );
    this.dispatcher = new Agent({ connect, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs });
  }

  /** Sends one request without following redirects and reads at most `maxBytes` of the body. */
  async send(
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    maxBytes: number,
    body?: Buffer | string,
  ): Promise<CappedResponse> {
    this.timer = new PhaseTimer();
    const started = this.timer.now();
    this.timer.requestSentAt = started;
    const res = await request(url, { method, headers, body, dispatcher: this.dispatcher, signal: this.opts.signal });
    this.timer.headersAt = this.timer.now();
    let read: { bytes: Buffer; truncated: boolean; size: number } = { bytes: Buffer.alloc(0), truncated: false, size: 0 };
    if (method === "HEAD") await res.body.dump({ limit: 0 }).catch(() => {});
    else {
      const progress = { size: 0 };
      try {
        read = await readCapped(res.body as unknown as Readable, maxBytes, progress);
      } catch (err) {
        // The peer answered (status and headers arrived), so a body that stops early is a broken
        // answer, not a failed connection; a timeout or our own abort stays what it is.
        const code = (err as { code?: string }).code;
        if (this.opts.signal.aborted || code === "UND_ERR_BODY_TIMEOUT" || (err as Error).name === "AbortError") throw err;
        const length = Number(header(res.headers, "content-length"));
        throw new BodyCutShortError(
          res.statusCode,
          Number.isFinite(length) && header(res.headers, "content-length") !== undefined ? length : undefined,
          progress.size,
          err,
        );
      }
    }
    const phases = this.timer.phases();
    return {
      status: res.statusCode,
      headers: res.headers,
      body: read.bytes,
      truncated: read.truncated,
      phases,
      ms: this.timer.now() - started,
    };
  }

  close(): void {
    this.dispatcher.destroy().catch(() => {});
  }
}

export function header(headers: CappedResponse["headers"], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
