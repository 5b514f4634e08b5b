import { createHash, randomBytes } from "node:crypto";
import type { SkynetMonitorSpec } from "./kinds/skynet";
import { classifyError } from "./classify-error";
import { header, StepHttpClient } from "./http-client";
import { sameSkylink, skylinkBytes } from "./skylink";
import { resolveSecret } from "./kinds/secret-value";
import type { ProbeContext } from "./types";
import type { ErrorClass, ProbeResult } from "../core/probe-result";

type Check = { name?: string; up?: boolean; critical?: boolean };
type Entry = { date?: string; checks?: Check[] };

/**
 * /health-check as the portal's health-check service sends it: { disabled, entry }. `disabled`
 * is false, or the reason the portal was disabled (a string; older portals sent true).
 */
interface HealthBody {
  disabled?: boolean | string | null;
  entry?: Entry;
}

/** The reason a portal is disabled, "" when disabled without one, null when it is enabled. */
function disabledReason(doc: HealthBody): string | null {
  if (typeof doc.disabled === "string") return doc.disabled.trim() ? doc.disabled.trim().slice(0, 200) : null;
  return doc.disabled === true ? "" : null;
}

/**
 * /health-check/extended answers an array of the last 24 h of entries, newest first, and never
 * a 503 (webportal-health-check, src/routes/extended.js): the newest entry's checks are today's.
 */
function newestExtendedEntry(body: Buffer): Entry | null {
  try {
    const doc = JSON.parse(body.toString("utf8")) as unknown;
    if (Array.isArray(doc)) {
      const entries = doc.filter((e): e is Entry => typeof e === "object" && e !== null);
      return entries.reduce<Entry | null>((newest, e) => (!newest || String(e.date ?? "") > String(newest.date ?? "") ? e : newest), null);
    }
    // The older single-entry form, { entry: { checks } }.
    return (doc as HealthBody)?.entry ?? null;
  } catch {
    return null;
  }
}

class Failure extends Error {
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
  ) {
    super(message);
  }
}

function failingChecks(body: Buffer): string[] {
  try {
    const doc = JSON.parse(body.toString("utf8")) as HealthBody;
    return (doc.entry?.checks ?? []).filter((c) => c.up === false).map((c) => c.name ?? "unnamed");
  } catch {
    return [];
  }
}

/**
 * A Skynet portal, read as the portal reads itself: /health-check (critical checks) decides
 * up or down (a disabled portal is down, with its reason), the newest entry of
 * /health-check/extended decides degraded. The health answer is delayed on
 * purpose, so only the download's time counts towards degraded_after.
 */
export async function probeSkynet(spec: SkynetMonitorSpec, ctx: ProbeContext, opts: { ca?: string | Buffer } = {}): Promise<ProbeResult> {
  const http = new StepHttpClient({ signal: ctx.signal, timeoutMs: ctx.timeoutMs, tlsVerify: spec.tls_verify, ca: opts.ca });
  const started = performance.now();
  const base = new URL(spec.url);
  const steps: Array<{ name: string; ms: number; status: number }> = [];
  const details: Record<string, unknown> = { steps };
  let step = "health";
  let degraded: string | undefined;
  let downloadMs = 0;
  // Portals with accounts answer only with an API key (OpenRegistry configured one for its portal).
  const apiKey = spec.api_key ? resolveSecret(spec.api_key, ctx.env) : undefined;
  const headers: Record<string, string> = { "user-agent": ctx.userAgent, ...(apiKey ? { "skynet-api-key": apiKey } : {}) };
  const get = async (name: string, path: string, cap: number) => {
    step = name;
    const r = await http.send("GET", new URL(path, base), headers, cap);
    steps.push({ name, ms: Math.round(r.ms), status: r.status });
    return r;
  };
  const verify = (bytes: Buffer, skylink: string, got: string | undefined, size?: number, sha?: string) => {
    if (got !== undefined && !sameSkylink(got, skylink))
      throw new Failure("integrity", `Skynet-Skylink header is ${got.slice(0, 60)}, expected ${skylink}`);
    if (got === undefined) throw new Failure("protocol", "download has no Skynet-Skylink header");
    if (size !== undefined && bytes.length !== size) throw new Failure("integrity", `downloaded ${bytes.length} bytes, expected ${size}`);
    if (sha !== undefined && createHash("sha256").update(bytes).digest("hex") !== sha.toLowerCase())
      throw new Failure("integrity", "content does not match its sha256");
  };
  try {
    const health = await get("health", "/health-check", 256 * 1024);
    let disabled: string | null = null;
    try {
      disabled = disabledReason(JSON.parse(health.body.toString("utf8")) as HealthBody);
    } catch {
      if (health.status === 200) throw new Failure("protocol", "health-check answered 200 with a body that is not JSON");
    }
    if (disabled !== null) {
      details.disabledReason = disabled;
      throw new Failure("http_status", `portal is disabled${disabled ? `: ${disabled}` : ""}`);
    }
    if (health.status !== 200) {
      const failing = failingChecks(health.body);
      throw new Failure("http_status", `health-check answered ${health.status}${failing.length ? `: ${failing.join(", ")} failing` : ""}`);
    }
    const extended = await get("health-extended", "/health-check/extended", 1024 * 1024);
    const newest = extended.status === 200 || extended.status === 503 ? newestExtendedEntry(extended.body) : null;
    const failingExtended = (newest?.checks ?? []).filter((c) => c.up === false).map((c) => c.name ?? "unnamed");
    if (newest?.date) details.extendedAt = newest.date;
    if (failingExtended.length) degraded = `extended checks failing: ${failingExtended.join(", ")}`;
    else if (extended.status === 503) degraded = "extended checks failing";

    if (spec.skylink) {
      const r = await get("download", `/${spec.skylink}`, spec.max_bytes + 1);
      if (r.status !== 200) throw new Failure("http_status", `download of the skylink answered ${r.status}`);
      if (r.truncated) throw new Failure("protocol", `download is larger than max_bytes (${spec.max_bytes})`);
      verify(r.body, spec.skylink, header(r.headers, "skynet-skylink"), spec.expect_size, spec.expect_sha256);
      downloadMs += r.ms;
    }
    if (spec.upload) {
      step = "upload";
      const content = randomBytes(64);
      const boundary = `----status${randomBytes(8).toString("hex")}`;
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="status-probe.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        content,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const up = await http.send(
        "POST",
        new URL("/skynet/skyfile", base),
        { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` },
        64 * 1024,
        body,
      );
      steps.push({ name: "upload", ms: Math.round(up.ms), status: up.status });
      if (up.status !== 200) throw new Failure("http_status", `upload answered ${up.status}`);
      let skylink: string;
      try {
        skylink = String((JSON.parse(up.body.toString("utf8")) as { skylink?: unknown }).skylink ?? "");
      } catch {
        throw new Failure("protocol", "upload answered something that is not JSON");
      }
      if (!skylinkBytes(skylink)) throw new Failure("protocol", "upload answered no valid skylink");
      const back = await get("upload-download", `/${skylink}`, 64 * 1024);
      if (back.status !== 200) throw new Failure("http_status", `download of the uploaded file answered ${back.status}`);
      if (!back.body.equals(content)) throw new Failure("integrity", "the uploaded file came back with other bytes");
      downloadMs += up.ms + back.ms;
    }
    const totalMs = performance.now() - started;
    if (!degraded && spec.degraded_after !== undefined && downloadMs > spec.degraded_after)
      degraded = `slow download: ${Math.round(downloadMs)} ms`;
    return degraded
      ? { status: "degraded", phases: { totalMs }, details, error: degraded }
      : { status: "up", phases: { totalMs }, details };
  } catch (err) {
    const totalMs = performance.now() - started;
    details.failedStep = step;
    if (err instanceof Failure)
      return { status: "down", errorClass: err.errorClass, error: `${step}: ${err.message}`, phases: { totalMs }, details };
    const { errorClass, error } = classifyError(err, ctx.signal.aborted);
    return { status: "down", errorClass, error: `${step}: ${error}`, phases: { totalMs }, details };
  } finally {
    http.close();
  }
}
