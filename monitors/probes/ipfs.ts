import { createHash } from "node:crypto";
import { CID } from "multiformats/cid";
import type { IpfsMonitorSpec } from "./kinds/ipfs";
import { classifyError } from "./classify-error";
import { header, StepHttpClient } from "./http-client";
import { failure, type ProbeContext } from "./types";
import type { ProbeResult } from "../core/probe-result";

const SHA2_256 = 0x12;
const IDENTITY = 0x00;
const RAW_BLOCK = "application/vnd.ipld.raw";
/** The empty identity CID: its bytes are in the CID itself, so serving it needs no retrieval. */
const LIVENESS_CID = "bafkqaaa";

/** Checks block bytes against the CID's multihash; null when they match. */
export function verifyBlock(cid: CID, bytes: Uint8Array): string | null {
  const mh = cid.multihash;
  let actual: Uint8Array;
  if (mh.code === SHA2_256) actual = createHash("sha256").update(bytes).digest();
  else if (mh.code === IDENTITY) actual = bytes;
  else return `unsupported multihash 0x${mh.code.toString(16)}`;
  return Buffer.compare(Buffer.from(actual), Buffer.from(mh.digest)) === 0 ? null : "wrong bytes: they do not hash to the CID";
}

/**
 * A trustless-gateway request (?format=raw, application/vnd.ipld.raw) for one block, verified
 * against its CID and its Content-Type. 502/504 mean the gateway could not fetch the block
 * (degraded); 404 is down, named either "does not have the block" or "gateway broken"; wrong
 * bytes mean the gateway lies (down).
 */
export async function probeIpfs(spec: IpfsMonitorSpec, ctx: ProbeContext, opts: { ca?: string | Buffer } = {}): Promise<ProbeResult> {
  const http = new StepHttpClient({ signal: ctx.signal, timeoutMs: ctx.timeoutMs, tlsVerify: spec.tls_verify, ca: opts.ca });
  const started = performance.now();
  // The CID is written in the file or read from the environment (then checked here, when it is read).
  const cidText = typeof spec.cid === "string" ? spec.cid : (ctx.env[spec.cid.env] ?? "").trim();
  let cid: CID;
  try {
    cid = CID.parse(cidText);
  } catch (e) {
    http.close();
    const from = typeof spec.cid === "string" ? "cid" : `cid from ${spec.cid.env}`;
    return failure("config", `${from} is not a valid CID (${JSON.stringify(cidText.slice(0, 80))}): ${(e as Error).message.slice(0, 80)}`, {
      totalMs: performance.now() - started,
    });
  }
  const blockUrl = (c: string) => {
    const url = new URL(`/ipfs/${c}`, spec.gateway);
    url.searchParams.set("format", "raw");
    return url;
  };
  const headers = { accept: RAW_BLOCK, "user-agent": ctx.userAgent };
  try {
    const r = await http.send("GET", blockUrl(cidText), headers, spec.max_bytes + 1);
    const phases = { ...r.phases, totalMs: performance.now() - started };
    const contentType = (header(r.headers, "content-type") ?? "").split(";")[0].trim().toLowerCase();
    const details: Record<string, unknown> = { httpStatus: r.status, bytes: r.body.length, ...(contentType ? { contentType } : {}) };
    if (r.status === 502 || r.status === 504)
      return {
        status: "degraded",
        phases,
        details,
        errorClass: "http_status",
        error: `gateway answered ${r.status}: it could not fetch the block`,
      };
    if (r.status === 404) {
      // A non-recursive gateway (one that serves only what it holds) answers 404 for a block it
      // does not have. The empty identity CID needs no retrieval: if the gateway serves it, the
      // gateway works and the block is what is missing; if not, the gateway itself is broken.
      if (cidText === LIVENESS_CID)
        return {
          status: "down",
          phases,
          details,
          errorClass: "http_status",
          error: "gateway broken: 404 for the empty identity CID, which needs no retrieval",
        };
      const live = await http.send("GET", blockUrl(LIVENESS_CID), headers, 1024).catch(() => null);
      details.gatewayAnswersIdentityCid = live?.status === 200;
      return live?.status === 200
        ? {
            status: "down",
            phases,
            details,
            errorClass: "http_status",
            error: "gateway does not have the block (404; the gateway itself works: it serves the empty identity CID)",
          }
        : {
            status: "down",
            phases,
            details,
            errorClass: "http_status",
            error: `gateway broken: 404 for the block and ${live ? live.status : "no answer"} for the empty identity CID`,
          };
    }
    if (r.status !== 200) return { status: "down", phases, details, errorClass: "http_status", error: `gateway answered ${r.status}` };
    // A trustless answer says what it is; an HTML page or a deserialized file with 200 is not a block.
    if (contentType !== RAW_BLOCK)
      return {
        status: "down",
        phases,
        details,
        errorClass: "protocol",
        error: `gateway answered 200 with Content-Type ${contentType.slice(0, 80) || "(none)"}, not ${RAW_BLOCK}: not a trustless answer`,
      };
    if (r.truncated)
      return { status: "down", phases, details, errorClass: "protocol", error: `block is larger than max_bytes (${spec.max_bytes})` };
    const problem = verifyBlock(cid, r.body);
    if (problem) return { status: "down", phases, details, errorClass: "integrity", error: problem };
    if (spec.degraded_after !== undefined && phases.totalMs > spec.degraded_after)
      return { status: "degraded", phases, details, error: `slow: ${Math.round(phases.totalMs)} ms` };
    return { status: "up", phases, details };
  } catch (err) {
    const { errorClass, error } = classifyError(err, ctx.signal.aborted);
    return { status: "down", errorClass, error, phases: { totalMs: performance.now() - started }, details: {} };
  } finally {
    http.close();
  }
}
