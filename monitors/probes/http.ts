import { Client, request } from "undici";
import type { Readable } from "node:stream";
import type { HttpMonitorSpec } from "./kinds/http";
import { resolveSecret } from "./kinds/secret-value";
import { classifyError } from "./classify-error";
import { checkExpectations, statusAccepted } from "./http-expectations";
import { PhaseTimer, timedConnector } from "./phase-timer";
import { decodeUtf8, readCapped } from "./read-capped";
import { failure, type ProbeContext } from "./types";
import type { ProbeResult } from "../core/probe-result";
import { DAY_MS } from "../core/duration";

/** Options the HTTP-based probes share: TLS trust for tests and private CAs. */
export interface HttpProbeOptions {
  ca?: string | Buffer;
}

export async function probeHttp(spec: HttpMonitorSpec, ctx: ProbeContext, opts: HttpProbeOptions = {}): Promise<ProbeResult> {
  const timer = new PhaseTimer();
  const connect = timedConnector(
    (socket, secure) => timer.watch(socket, secure),
    { rejectUnauthorized: spec.tls_verify, ca: opts.ca },
    ctx.timeoutMs,
  );
  // One fresh connection per check, so every result measures DNS, connect and TLS: a Client of its
  // own per origin (a redirect may lead to another), without an Agent and its pool around it.
  const clients = new Map<string, Client>();
  const clientFor = (origin: string) => {
    let client = clients.get(origin);
    if (!client) {
      client = new Client(origin, { connect, keepAliveTimeout: 1, headersTimeout: ctx.timeoutMs, bodyTimeout: ctx.timeoutMs });
      clients.set(origin, client);
    }
    return client;
  };
  const details: Record<string, unknown> = {};
  // Once the last response was read to its end nothing is pending, and close() ends the connection
  // without what destroy() costs on every check: a ClientDestroyedError and its stack trace.
  let finished = false;
  try {
    const headers: Record<string, string> = { "user-agent": ctx.userAgent };
    for (const [k, v] of Object.entries(spec.headers)) headers[k.toLowerCase()] = resolveSecret(v, ctx.env);

    let url = new URL(spec.url);
    const redirects: string[] = [];
    for (;;) {
      timer.requestSentAt = timer.now();
      const res = await request(url, {
        method: spec.method,
        headers,
        body: spec.body,
        dispatcher: clientFor(url.origin),
        signal: ctx.signal,
      });
      timer.headersAt = timer.now();
      const location = res.headers.location;
      if (spec.follow_redirects && res.statusCode >= 300 && res.statusCode < 400 && typeof location === "string") {
        await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
        if (redirects.length >= spec.max_redirects) {
          details.redirects = redirects.length;
          return failure("protocol", `too many redirects (more than ${spec.max_redirects})`, timer.phases(), details);
        }
        const next = new URL(location, url);
        // Credentials stay with the origin they were configured for.
        if (next.origin !== url.origin) delete headers.authorization;
        redirects.push(next.origin === url.origin ? next.pathname : next.origin);
        url = next;
        continue;
      }

      details.httpStatus = res.statusCode;
      if (redirects.length) details.redirects = redirects.length;
      const cert = timer.certificate;
      let certExpiresAt: Date | undefined;
      if (cert?.valid_to) {
        certExpiresAt = new Date(cert.valid_to);
      }
      const certDaysLeft = certExpiresAt ? Math.floor((certExpiresAt.getTime() - Date.now()) / DAY_MS) : undefined;

      const needsBody = spec.method !== "HEAD";
      const read = needsBody
        ? await readCapped(res.body as unknown as Readable, spec.max_body_bytes)
        : { bytes: Buffer.alloc(0), truncated: false, size: 0 };
      if (!needsBody) await res.body.dump({ limit: 0 }).catch(() => {});
      finished = !read.truncated;
      // Stored with every result, so only what is unusual: the size when the cap cut the body.
      if (read.truncated) details.bodyTruncatedAt = read.size;
      const phases = timer.phases();

      if (spec.expect.degraded_status && statusAccepted(res.statusCode, spec.expect.degraded_status)) {
        return {
          status: "degraded",
          phases,
          details,
          certExpiresAt,
          errorClass: "http_status",
          error: `HTTP ${res.statusCode} (a degraded status for this monitor)`,
        };
      }
      if (!statusAccepted(res.statusCode, spec.expect.status)) {
        return {
          ...failure("http_status", `HTTP ${res.statusCode} (expected ${spec.expect.status.join(", ")})`, phases, details),
          certExpiresAt,
        };
      }
      const text = decodeUtf8(read.bytes, read.truncated);
      const problem = checkExpectations(spec.expect, { text: text.text, truncated: read.truncated, validUtf8: text.valid }, res.headers);
      if (problem) return { ...failure("assertion", problem, phases, details), certExpiresAt };

      if (spec.cert_expiry_days !== undefined && certExpiresAt && certExpiresAt.getTime() - Date.now() < spec.cert_expiry_days * DAY_MS) {
        return {
          status: "degraded",
          phases,
          details,
          certExpiresAt,
          errorClass: "tls",
          error: `certificate expires in ${certDaysLeft} days`,
        };
      }
      if (spec.degraded_after !== undefined && phases.totalMs > spec.degraded_after) {
        return {
          status: "degraded",
          phases,
          details,
          certExpiresAt,
          error: `slow: ${Math.round(phases.totalMs)} ms (limit ${spec.degraded_after} ms)`,
        };
      }
      return { status: "up", phases, details, certExpiresAt };
    }
  } catch (err) {
    const { errorClass, error } = classifyError(err, ctx.signal.aborted);
    return failure(errorClass, error, timer.phases(), details);
  } finally {
    for (const client of clients.values()) (finished ? client.close() : client.destroy()).catch(() => {});
  }
}
