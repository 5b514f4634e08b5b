import { createHash } from "node:crypto";
import type { S3MonitorSpec } from "../kinds/s3";
import { resolveSecret } from "../kinds/secret-value";
import { classifyError } from "../classify-error";
import { header, StepHttpClient } from "../http-client";
import type { ProbeContext } from "../types";
import type { ProbeResult } from "../../core/probe-result";
import { signV4 } from "./sigv4";

/** The code of an S3 XML error body (<Error><Code>NoSuchKey</Code>…). */
function s3ErrorCode(body: Buffer): string | null {
  return /<Code>([^<]{1,64})<\/Code>/.exec(body.toString("utf8"))?.[1] ?? null;
}

/**
 * A signed HEAD of one object (and optionally a GET with a checksum) on S3-compatible
 * storage such as Filebase. Filebase's x-amz-meta-cid, when expected, pins the IPFS CID.
 */
export async function probeS3(spec: S3MonitorSpec, ctx: ProbeContext, opts: { ca?: string | Buffer } = {}): Promise<ProbeResult> {
  const http = new StepHttpClient({ signal: ctx.signal, timeoutMs: ctx.timeoutMs, tlsVerify: spec.tls_verify, ca: opts.ca });
  const started = performance.now();
  const endpoint = new URL(spec.endpoint);
  const key = spec.key.split("/").map(encodeURIComponent).join("/");
  const url = spec.path_style
    ? new URL(`/${spec.bucket}/${key}`, endpoint)
    : new URL(`/${key}`, `${endpoint.protocol}//${spec.bucket}.${endpoint.host}`);
  const credentials = {
    accessKeyId: resolveSecret(spec.access_key_id, ctx.env),
    secretAccessKey: resolveSecret(spec.secret_access_key, ctx.env),
  };
  const details: Record<string, unknown> = {};
  let step = "head";
  try {
    const send = async (method: "HEAD" | "GET", cap: number) => {
      const headers = { ...signV4({ method, url, region: spec.region, ...credentials }), "user-agent": ctx.userAgent };
      return http.send(method, url, headers, cap);
    };
    const head = await send("HEAD", 0);
    details.httpStatus = head.status;
    if (head.status !== 200) {
      // HEAD answers have no body: ask with GET for S3's error code.
      const g = await send("GET", 16 * 1024);
      const code = s3ErrorCode(g.body) ?? (head.status === 404 ? "NoSuchKey" : head.status === 403 ? "AccessDenied" : null);
      const auth = head.status === 403 || code === "SignatureDoesNotMatch" || code === "InvalidAccessKeyId";
      return {
        status: "down",
        errorClass: auth ? "auth" : "http_status",
        error: `head: ${head.status}${code ? ` ${code}` : ""}`,
        phases: { ...head.phases, totalMs: performance.now() - started },
        details: { ...details, s3Code: code },
      };
    }
    const cid = header(head.headers, "x-amz-meta-cid");
    if (cid) details.cid = cid;
    if (spec.expect_cid && cid !== spec.expect_cid)
      return {
        status: "down",
        errorClass: "integrity",
        error: `head: x-amz-meta-cid is ${cid ?? "missing"}, expected ${spec.expect_cid}`,
        phases: { ...head.phases, totalMs: performance.now() - started },
        details,
      };
    if (spec.get) {
      step = "get";
      const g = await send("GET", spec.max_bytes + 1);
      if (g.status !== 200)
        return {
          status: "down",
          errorClass: "http_status",
          error: `get: ${g.status}${s3ErrorCode(g.body) ? ` ${s3ErrorCode(g.body)}` : ""}`,
          phases: { ...head.phases, totalMs: performance.now() - started },
          details,
        };
      if (g.truncated)
        return {
          status: "down",
          errorClass: "protocol",
          error: `get: object is larger than max_bytes (${spec.max_bytes})`,
          phases: { ...head.phases, totalMs: performance.now() - started },
          details,
        };
      details.bytes = g.body.length;
      if (spec.expect_sha256 && createHash("sha256").update(g.body).digest("hex") !== spec.expect_sha256.toLowerCase()) {
        return {
          status: "down",
          errorClass: "integrity",
          error: "get: checksum mismatch (sha256)",
          phases: { ...head.phases, totalMs: performance.now() - started },
          details,
        };
      }
    }
    const totalMs = performance.now() - started;
    if (spec.degraded_after !== undefined && totalMs > spec.degraded_after)
      return { status: "degraded", phases: { ...head.phases, totalMs }, details, error: `slow: ${Math.round(totalMs)} ms` };
    return { status: "up", phases: { ...head.phases, totalMs }, details };
  } catch (err) {
    const { errorClass, error } = classifyError(err, ctx.signal.aborted);
    return { status: "down", errorClass, error: `${step}: ${error}`, phases: { totalMs: performance.now() - started }, details };
  } finally {
    http.close();
  }
}
