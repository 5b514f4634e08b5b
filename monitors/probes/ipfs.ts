import { createHash } from "node:crypto";
import { CID } from "multiformats/cid";
import type { IpfsMonitorSpec } from "../config/schema";
import { classifyError } from "./classify-error";
import { StepHttpClient } from "./http-client";
import type { ProbeContext, ProbeResult } from "./types";

const SHA2_256 = 0x12;
const IDENTITY = 0x00;

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
 * against its CID. 502/504 mean the gateway could not fetch the block (degraded); 404 means it
 * is missing and wrong bytes mean the gateway lies (down).
 */
export async function probeIpfs(spec: IpfsMonitorSpec, ctx: ProbeContext, opts: { ca?: string | Buffer } = {}): Promise<ProbeResult> {
  const http = new StepHttpClient({ signal: ctx.signal, timeoutMs: ctx.timeoutMs, tlsVerify: spec.tls_verify, ca: opts.ca });
  const started = performance.now();
  const cid = CID.parse(spec.cid);
  const url = new URL(`/ipfs/${spec.cid}`, spec.gateway);
  url.searchParams.set("format", "raw");
  try {
    const r = await http.send("GET", url, { accept: "application/vnd.ipld.raw", "user-agent": ctx.userAgent }, spec.max_bytes + 1);
    const phases = { ...r.phases, totalMs: performance.now() - started };
    const details = { httpStatus: r.status, bytes: r.body.length };
    if (r.status === 502 || r.status === 504) return { status: "degraded", phases, details, errorClass: "http_status", error: `gateway answered ${r.status}: it could not fetch the block` };
    if (r.status === 404) return { status: "down", phases, details, errorClass: "http_status", error: "gateway answered 404: block not found" };
    if (r.status !== 200) return { status: "down", phases, details, errorClass: "http_status", error: `gateway answered ${r.status}` };
    if (r.truncated) return { status: "down", phases, details, errorClass: "protocol", error: `block is larger than max_bytes (${spec.max_bytes})` };
    const problem = verifyBlock(cid, r.body);
    if (problem) return { status: "down", phases, details, errorClass: "integrity", error: problem };
    if (spec.degraded_after !== undefined && phases.totalMs > spec.degraded_after) return { status: "degraded", phases, details, error: `slow: ${Math.round(phases.totalMs)} ms` };
    return { status: "up", phases, details };
  } catch (err) {
    const { errorClass, error } = classifyError(err, ctx.signal.aborted);
    return { status: "down", errorClass, error, phases: { totalMs: performance.now() - started }, details: {} };
  } finally {
    http.close();
  }
}
