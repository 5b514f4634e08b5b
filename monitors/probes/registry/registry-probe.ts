import { createHash } from "node:crypto";
import type { RegistryMonitorSpec } from "../../config/schema";
import { resolveSecret } from "../../config/secrets";
import { classifyError } from "../classify-error";
import { header, StepHttpClient, type CappedResponse } from "../http-client";
import type { ErrorClass, Phases, ProbeContext, ProbeResult } from "../types";
import { parseChallenge, type Challenge } from "./www-authenticate";
import { ociError } from "./oci-error";
import { sharedTokenCache } from "./token-cache";
import { DIGEST, DOCKER_LIST, DOCKER_MANIFEST, MANIFEST_ACCEPT, OCI_INDEX, OCI_MANIFEST } from "./media-types";

const MANIFEST_CAP = 4 * 1024 * 1024;
const SMALL_CAP = 64 * 1024;

export interface RegistryStep {
  name: string;
  ms: number;
  status?: number;
  host?: string;
  phases?: Omit<Phases, "totalMs">;
}

/** A failure inside a step: it carries the class, the OCI code when there is one, and the step. */
class StepFailure extends Error {
  constructor(readonly errorClass: ErrorClass, message: string, readonly ociCode?: string) {
    super(message);
  }
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
}

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/**
 * The OCI Distribution path a `docker pull` takes: /v2/, the Bearer token, the manifest
 * (HEAD for the digest, GET to verify it, the platform's manifest for an index), and
 * optionally one blob through the redirect to the storage backend, verified by sha256.
 */
export async function probeRegistry(spec: RegistryMonitorSpec, ctx: ProbeContext, opts: { ca?: string | Buffer } = {}): Promise<ProbeResult> {
  const http = new StepHttpClient({ signal: ctx.signal, timeoutMs: ctx.timeoutMs, tlsVerify: spec.tls_verify, ca: opts.ca });
  const steps: RegistryStep[] = [];
  const details: Record<string, unknown> = { steps };
  const base = new URL(spec.url);
  let current = "api";
  const started = performance.now();
  let lastPhases: Omit<Phases, "totalMs"> = {};

  const record = (name: string, url: URL, r: CappedResponse) => {
    const { totalMs: _total, ...phases } = r.phases;
    lastPhases = phases;
    steps.push({ name, ms: Math.round(r.ms * 10) / 10, status: r.status, ...(url.origin !== base.origin ? { host: url.host } : {}), phases });
  };
  const call = async (name: string, method: "GET" | "HEAD", url: URL, headers: Record<string, string>, cap: number) => {
    current = name;
    const r = await http.send(method, url, { "user-agent": ctx.userAgent, ...headers }, cap);
    record(name, url, r);
    return r;
  };

  try {
    // 1. API version check.
    const api = await call("api", "GET", new URL("/v2/", base), {}, SMALL_CAP);
    const apiVersion = header(api.headers, "docker-distribution-api-version");
    if (apiVersion) details.apiVersion = apiVersion;
    let challenge: Challenge | null = null;
    if (api.status === 401) {
      challenge = parseChallenge(header(api.headers, "www-authenticate"));
      if (!challenge) throw new StepFailure("protocol", "401 without a well-formed WWW-Authenticate challenge");
    } else if (api.status !== 200) {
      const e = ociError(api.body.toString("utf8"));
      throw new StepFailure("http_status", `GET /v2/ answered ${api.status}${e ? ` ${e.code}` : ""}`, e?.code);
    }
    if (challenge) details.auth = challenge.scheme;

    if (spec.check === "pull" && spec.pull) {
      const repo = spec.pull.repository;
      const username = spec.credentials ? resolveSecret(spec.credentials.username, ctx.env) : undefined;
      const password = spec.credentials ? resolveSecret(spec.credentials.password, ctx.env) : undefined;
      const basic = username !== undefined ? `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}` : undefined;

      // 2. Credentials for the repository: a cached or fresh Bearer token, or Basic.
      const authorize = async (c: Challenge | null): Promise<string | undefined> => {
        if (!c) return undefined;
        if (c.scheme === "basic") {
          if (!basic) throw new StepFailure("auth", "the registry wants Basic credentials and none are configured");
          return basic;
        }
        const scope = `repository:${repo}:pull`;
        const key = `${c.params.realm}|${c.params.service ?? ""}|${scope}|${username ?? ""}`;
        const cached = sharedTokenCache.get(key);
        if (cached) {
          steps.push({ name: "token", ms: 0, status: 200, host: "cache" });
          return `Bearer ${cached}`;
        }
        const realm = new URL(c.params.realm);
        if (c.params.service) realm.searchParams.set("service", c.params.service);
        realm.searchParams.set("scope", scope);
        const r = await call("token", "GET", realm, basic ? { authorization: basic } : {}, SMALL_CAP);
        if (r.status === 401 || r.status === 403) {
          const e = ociError(r.body.toString("utf8"));
          throw new StepFailure("auth", `token endpoint refused the credentials (${r.status}${e ? ` ${e.code}` : ""})`, e?.code ?? "UNAUTHORIZED");
        }
        if (r.status !== 200) throw new StepFailure("http_status", `token endpoint answered ${r.status}`);
        let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown };
        try {
          doc = JSON.parse(r.body.toString("utf8"));
        } catch {
          throw new StepFailure("protocol", "token endpoint answered something that is not JSON");
        }
        const token = typeof doc.token === "string" ? doc.token : typeof doc.access_token === "string" ? doc.access_token : null;
        if (!token) throw new StepFailure("protocol", "token endpoint answered JSON without a token");
        sharedTokenCache.set(key, token, doc.expires_in);
        return `Bearer ${token}`;
      };
      let authorization = await authorize(challenge);
      const withAuth = (h: Record<string, string> = {}) => (authorization ? { ...h, authorization } : h);

      // A registry may answer 401 per repository even when /v2/ was open: follow that challenge once.
      const authed = async (name: string, method: "GET" | "HEAD", url: URL, h: Record<string, string>, cap: number) => {
        let r = await call(name, method, url, withAuth(h), cap);
        if (r.status === 401 && !challenge) {
          challenge = parseChallenge(header(r.headers, "www-authenticate"));
          if (challenge) {
            authorization = await authorize(challenge);
            r = await call(name, method, url, withAuth(h), cap);
          }
        }
        return r;
      };
      const failStatus = async (r: CappedResponse, what: string, url: URL, expectedCode: string): Promise<never> => {
        let e = ociError(r.body.toString("utf8"));
        if (!e && r.body.length === 0) {
          // HEAD answers carry no body: ask again with GET for the registry's error code.
          const failing = current;
          const g = await call(`${current}-error`, "GET", url, withAuth({ accept: MANIFEST_ACCEPT }), SMALL_CAP);
          current = failing;
          e = ociError(g.body.toString("utf8"));
        }
        const code = e?.code ?? (r.status === 404 ? expectedCode : r.status === 401 ? "UNAUTHORIZED" : undefined);
        const cls: ErrorClass = r.status === 401 || r.status === 403 ? "auth" : "http_status";
        throw new StepFailure(cls, `${what}: ${r.status}${code ? ` ${code}` : ""}${e?.message ? ` (${e.message})` : ""}`, code);
      };

      // 3. HEAD the manifest: the digest a client would pull.
      const manifestUrl = new URL(`/v2/${repo}/manifests/${spec.pull.reference}`, base);
      const head = await authed("manifest-head", "HEAD", manifestUrl, { accept: MANIFEST_ACCEPT }, 0);
      if (head.status !== 200) await failStatus(head, "manifest HEAD", manifestUrl, "MANIFEST_UNKNOWN");
      const digest = header(head.headers, "docker-content-digest");
      if (!digest) throw new StepFailure("protocol", "manifest HEAD has no Docker-Content-Digest header");
      if (!DIGEST.test(digest)) throw new StepFailure("protocol", `malformed Docker-Content-Digest: ${digest.slice(0, 80)}`);
      if (DIGEST.test(spec.pull.reference) && digest !== spec.pull.reference) throw new StepFailure("integrity", `registry reports ${digest} for ${spec.pull.reference}`);
      details.digest = digest;

      // 4. GET it and check its bytes against that digest; an index leads to the platform's manifest.
      const fetchManifest = async (name: string, url: URL, expected: string) => {
        const r = await authed(name, "GET", url, { accept: MANIFEST_ACCEPT }, MANIFEST_CAP);
        if (r.status !== 200) await failStatus(r, `manifest GET`, url, "MANIFEST_UNKNOWN");
        if (r.truncated) throw new StepFailure("protocol", "manifest larger than 4 MiB");
        const actual = sha256(r.body);
        if (actual !== expected) throw new StepFailure("integrity", `manifest digest mismatch: expected ${expected}, got ${actual}`);
        const type = (header(r.headers, "content-type") ?? "").split(";")[0].trim();
        let doc: { mediaType?: string; manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] };
        try {
          doc = JSON.parse(r.body.toString("utf8"));
        } catch {
          throw new StepFailure("protocol", "manifest is not valid JSON");
        }
        const mediaType = type || doc.mediaType || "";
        if (![OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].includes(mediaType)) throw new StepFailure("protocol", `unexpected manifest content type ${mediaType.slice(0, 80)}`);
        return { mediaType, doc };
      };
      let manifest = await fetchManifest("manifest-get", manifestUrl, digest);
      if (manifest.mediaType === OCI_INDEX || manifest.mediaType === DOCKER_LIST) {
        const [os, architecture, variant] = spec.pull.platform.split("/");
        const chosen = (manifest.doc.manifests ?? []).find((m) => m.platform?.os === os && m.platform?.architecture === architecture && (!variant || m.platform?.variant === variant));
        if (!chosen || !DIGEST.test(chosen.digest)) throw new StepFailure("protocol", `the index has no manifest for ${spec.pull.platform}`);
        details.platformDigest = chosen.digest;
        manifest = await fetchManifest("platform-manifest", new URL(`/v2/${repo}/manifests/${chosen.digest}`, base), chosen.digest);
      }

      // 5. One blob, through the redirect to storage, verified by sha256.
      if (spec.pull.blob !== "none") {
        const layers = (manifest.doc.layers ?? []).filter((l) => DIGEST.test(l.digest));
        const blob = spec.pull.blob === "config" ? manifest.doc.config : [...layers].sort((a, b) => (a.size ?? Infinity) - (b.size ?? Infinity))[0];
        if (!blob || !DIGEST.test(blob.digest)) throw new StepFailure("protocol", `the manifest names no ${spec.pull.blob === "config" ? "config blob" : "layer"}`);
        if (blob.size !== undefined && blob.size > spec.pull.max_blob_bytes) throw new StepFailure("protocol", `the ${spec.pull.blob} blob is ${blob.size} bytes, over max_blob_bytes (${spec.pull.max_blob_bytes})`);
        let url = new URL(`/v2/${repo}/blobs/${blob.digest}`, base);
        let r = await authed("blob", "GET", url, {}, spec.pull.max_blob_bytes + 1);
        for (let hop = 0; r.status >= 300 && r.status < 400; hop++) {
          const location = header(r.headers, "location");
          if (!location) throw new StepFailure("protocol", `blob redirect ${r.status} without a Location`);
          if (hop >= spec.max_redirects) throw new StepFailure("protocol", `too many redirects (more than ${spec.max_redirects})`);
          const next = new URL(location, url);
          // Presigned storage URLs carry their own authorization; the registry token never leaves its origin.
          const headers: Record<string, string> = next.origin === base.origin && authorization ? { authorization } : {};
          url = next;
          r = await call("storage", "GET", url, headers, spec.pull.max_blob_bytes + 1);
        }
        if (r.status !== 200) {
          const onStorage = url.origin !== base.origin;
          if (onStorage) throw new StepFailure("http_status", `storage ${url.host} answered ${r.status} for the blob`);
          await failStatus(r, "blob GET", url, "BLOB_UNKNOWN");
        }
        if (r.truncated) throw new StepFailure("protocol", `blob is larger than max_blob_bytes (${spec.pull.max_blob_bytes})`);
        const actual = sha256(r.body);
        if (actual !== blob.digest) throw new StepFailure("integrity", `blob digest mismatch${url.origin !== base.origin ? ` from storage ${url.host}` : ""}: expected ${blob.digest}, got ${actual}`);
        details.blobBytes = r.body.length;
      }
    }

    const totalMs = performance.now() - started;
    const phases = { ...steps[0]?.phases, totalMs };
    const slow = spec.step_degraded_after !== undefined ? steps.find((s) => s.ms > spec.step_degraded_after!) : undefined;
    if (slow) return { status: "degraded", phases, details, error: `slow step: ${slow.name} took ${Math.round(slow.ms)} ms (limit ${spec.step_degraded_after} ms)` };
    return { status: "up", phases, details };
  } catch (err) {
    const totalMs = performance.now() - started;
    details.failedStep = current;
    if (err instanceof StepFailure) {
      if (err.ociCode) details.ociCode = err.ociCode;
      return { status: "down", errorClass: err.errorClass, error: `${current}: ${err.message}`, phases: { ...lastPhases, totalMs }, details };
    }
    const { errorClass, error } = classifyError(err, ctx.signal.aborted);
    return { status: "down", errorClass, error: `${current}: ${error}`, phases: { ...lastPhases, totalMs }, details };
  } finally {
    http.close();
  }
}
