import type { RegistryMonitorSpec } from "../kinds/registry";
import { resolveSecret } from "../kinds/secret-value";
import { classifyError } from "../classify-error";
import { header, StepHttpClient, type CappedResponse, type HttpMethod } from "../http-client";
import type { ProbeContext } from "../types";
import type { ErrorClass, Phases, ProbeResult } from "../../core/probe-result";
import { parseChallenge, type Challenge } from "./www-authenticate";
import { ociError } from "./oci-error";
import { sharedTokenCache } from "./token-cache";
import { parsePlatform, samePlatform } from "./platform";
import { retryAfterMs, sharedThrottleBook } from "./throttle";
import { nextLink } from "./link-header";
import { BodyCutShortError } from "../body-cut-short";
import { DOCKER_LIST, DOCKER_MANIFEST, MANIFEST_ACCEPT, OCI_INDEX, OCI_MANIFEST } from "./media-types";
import { DIGEST, digestLike } from "./digest";
import { pushCanary } from "./push-canary";
import { StepFailure } from "./step-failure";

const MANIFEST_CAP = 4 * 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const SMALL_CAP = 64 * 1024;

export interface RegistryStep {
  name: string;
  ms: number;
  status?: number;
  host?: string;
  phases?: Omit<Phases, "totalMs">;
}

/** The registry answered 429: degraded, not down, and the next checks wait as it asked. */
class Throttled extends Error {
  constructor(
    message: string,
    readonly ociCode: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
}

/**
 * The OCI Distribution path a `docker pull` takes: /v2/, the Bearer token, the manifest
 * (HEAD for the digest, GET to verify it, the platform's manifest for an index), and
 * optionally one blob through the redirect to the storage backend, verified by its digest.
 */
export async function probeRegistry(
  spec: RegistryMonitorSpec,
  ctx: ProbeContext,
  opts: { ca?: string | Buffer } = {},
): Promise<ProbeResult> {
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
    steps.push({
      name,
      ms: Math.round(r.ms * 10) / 10,
      status: r.status,
      ...(url.origin !== base.origin ? { host: url.host } : {}),
      phases,
    });
  };
  const send = async (name: string, method: HttpMethod, url: URL, headers: Record<string, string>, cap: number, body?: Buffer) => {
    const r = await http.send(method, url, { "user-agent": ctx.userAgent, ...headers }, cap, body);
    record(name, url, r);
    if (r.status === 429) {
      const waitMs = retryAfterMs(header(r.headers, "retry-after"));
      if (waitMs !== null) sharedThrottleBook.throttle(url.origin, waitMs);
      const code = ociError(r.body.toString("utf8"))?.code ?? "TOOMANYREQUESTS";
      const seconds = waitMs === null ? undefined : Math.ceil(waitMs / 1000);
      throw new Throttled(
        `429 ${code}${seconds !== undefined ? ` (Retry-After ${seconds} s: the next checks wait until then)` : " without Retry-After"}`,
        code,
        seconds,
      );
    }
    return r;
  };
  // The spec allows a redirect on any request: each step follows them (the blob step has its
  // own loop, which names the storage host). Authorization never goes to another origin. A
  // request with a body is sent again only on 307 and 308, which keep the method and the body.
  const call = async (
    name: string,
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    cap: number,
    follow = true,
    body?: Buffer,
  ) => {
    current = name;
    let r = await send(name, method, url, headers, cap, body);
    const origin = url.origin;
    for (let hop = 0; follow && (body === undefined ? REDIRECTS.has(r.status) : r.status === 307 || r.status === 308); hop++) {
      const location = header(r.headers, "location");
      if (!location) throw new StepFailure("protocol", `redirect ${r.status} without a Location`);
      if (hop >= spec.max_redirects) throw new StepFailure("protocol", `too many redirects (more than ${spec.max_redirects})`);
      url = new URL(location, url);
      const { authorization: _dropped, ...withoutAuthorization } = headers;
      r = await send(name, method, url, url.origin === origin ? headers : withoutAuthorization, cap, body);
    }
    return r;
  };

  try {
    const waitUntil = sharedThrottleBook.waitUntil(base.origin);
    if (waitUntil !== null) {
      details.throttledUntil = new Date(waitUntil).toISOString();
      return {
        status: "degraded",
        errorClass: "http_status",
        phases: { totalMs: 0 },
        details,
        error: `still throttled: the registry asked to wait until ${details.throttledUntil} (429 Retry-After); not asked again before then`,
      };
    }
    // 1. API version check.
    const api = await call("api", "GET", new URL("/v2/", base), {}, SMALL_CAP);
    const apiVersion = header(api.headers, "docker-distribution-api-version");
    if (apiVersion) details.apiVersion = apiVersion;
    let apiChallenge: Challenge | null = null;
    if (api.status === 401) {
      apiChallenge = parseChallenge(header(api.headers, "www-authenticate"));
      if (!apiChallenge) throw new StepFailure("protocol", "401 without a well-formed WWW-Authenticate challenge");
    } else if (api.status !== 200) {
      const e = ociError(api.body.toString("utf8"));
      throw new StepFailure("http_status", `GET /v2/ answered ${api.status}${e ? ` ${e.code}` : ""}`, e?.code);
    }
    if (apiChallenge) details.auth = apiChallenge.scheme;

    // Credentials for one repository and set of actions (the pull's, the push canary's): a
    // cached or fresh Bearer token, or Basic; and the request that follows a later challenge.
    const openSession = async (
      repo: string,
      actions: string,
      username: string | undefined,
      password: string | undefined,
      tokenStep = "token",
    ) => {
      const basic = username !== undefined ? `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}` : undefined;
      let challenge = apiChallenge;
      // 2. Credentials for the repository: a cached or fresh Bearer token, or Basic.
      // `fresh` skips and replaces the cached token: the registry has just refused it.
      const authorize = async (c: Challenge | null, fresh = false): Promise<string | undefined> => {
        if (!c) return undefined;
        if (c.scheme === "basic") {
          if (!basic) throw new StepFailure("auth", "the registry wants Basic credentials and none are configured");
          return basic;
        }
        const scope = `repository:${repo}:${actions}`;
        const key = `${c.params.realm}|${c.params.service ?? ""}|${scope}|${username ?? ""}`;
        if (fresh) sharedTokenCache.delete(key);
        const cached = fresh ? null : sharedTokenCache.get(key);
        if (cached) {
          steps.push({ name: tokenStep, ms: 0, status: 200, host: "cache" });
          return `Bearer ${cached}`;
        }
        const realm = new URL(c.params.realm);
        if (c.params.service) realm.searchParams.set("service", c.params.service);
        realm.searchParams.set("scope", scope);
        const r = await call(tokenStep, "GET", realm, basic ? { authorization: basic } : {}, SMALL_CAP);
        if (r.status === 401 || r.status === 403) {
          const e = ociError(r.body.toString("utf8"));
          throw new StepFailure(
            "auth",
            `token endpoint refused the credentials (${r.status}${e ? ` ${e.code}` : ""})`,
            e?.code ?? "UNAUTHORIZED",
          );
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

      // A 401 after /v2/ means one of two things, each followed once per check:
      // - /v2/ was open and the repository wants credentials: follow its challenge;
      // - the registry refused our Bearer token (its signing key rotated on a redeploy, the scope
      //   changed): drop the cached token and fetch a new one, instead of reusing a refused token
      //   until it expires.
      let tokenRenewed = false;
      const authed = async (
        name: string,
        method: HttpMethod,
        url: URL,
        h: Record<string, string>,
        cap: number,
        follow = true,
        body?: Buffer,
      ) => {
        let r = await call(name, method, url, withAuth(h), cap, follow, body);
        if (r.status !== 401) return r;
        const renewed = parseChallenge(header(r.headers, "www-authenticate"));
        if (!challenge && renewed) {
          challenge = renewed;
          authorization = await authorize(challenge);
          r = await call(name, method, url, withAuth(h), cap, follow, body);
        } else if (challenge?.scheme === "bearer" && !tokenRenewed) {
          tokenRenewed = true;
          details.tokenRenewed = true;
          authorization = await authorize(renewed?.scheme === "bearer" ? renewed : challenge, true);
          r = await call(name, method, url, withAuth(h), cap, follow, body);
        }
        return r;
      };
      const failStatus = async (
        r: CappedResponse,
        what: string,
        url: URL,
        expectedCode: string,
        askAgainWithGet = true,
      ): Promise<never> => {
        let e = ociError(r.body.toString("utf8"));
        if (!e && r.body.length === 0 && askAgainWithGet) {
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
      return { authed, failStatus, withAuth };
    };

    if (spec.check === "pull" && spec.pull) {
      const repo = spec.pull.repository;
      const username = spec.credentials ? resolveSecret(spec.credentials.username, ctx.env) : undefined;
      const password = spec.credentials ? resolveSecret(spec.credentials.password, ctx.env) : undefined;
      const pull = await openSession(repo, "pull", username, password);
      const { authed, failStatus } = pull;

      // 3. HEAD the manifest: the digest a client would pull.
      const manifestUrl = new URL(`/v2/${repo}/manifests/${spec.pull.reference}`, base);
      const head = await authed("manifest-head", "HEAD", manifestUrl, { accept: MANIFEST_ACCEPT }, 0);
      if (head.status !== 200) await failStatus(head, "manifest HEAD", manifestUrl, "MANIFEST_UNKNOWN");
      const digest = header(head.headers, "docker-content-digest");
      if (!digest) throw new StepFailure("protocol", "manifest HEAD has no Docker-Content-Digest header");
      if (!DIGEST.test(digest)) throw new StepFailure("protocol", `malformed Docker-Content-Digest: ${digest.slice(0, 80)}`);
      if (DIGEST.test(spec.pull.reference) && digest !== spec.pull.reference)
        throw new StepFailure("integrity", `registry reports ${digest} for ${spec.pull.reference}`);
      details.digest = digest;

      // 4. GET it and check its bytes against that digest; an index leads to the platform's manifest.
      const fetchManifest = async (name: string, url: URL, expected: string, headLength?: number) => {
        const r = await authed(name, "GET", url, { accept: MANIFEST_ACCEPT }, MANIFEST_CAP);
        if (r.status !== 200) await failStatus(r, `manifest GET`, url, "MANIFEST_UNKNOWN");
        if (r.truncated) throw new StepFailure("protocol", "manifest larger than 4 MiB");
        const getDigest = header(r.headers, "docker-content-digest");
        if (getDigest && getDigest !== expected) {
          throw new StepFailure(
            "integrity",
            `GET's Docker-Content-Digest ${getDigest.slice(0, 140)} differs from ${name === "manifest-get" ? "HEAD's" : "the index's"} ${expected}`,
          );
        }
        const actual = digestLike(expected, r.body);
        if (actual === expected && headLength !== undefined && r.body.length !== headLength) {
          throw new StepFailure("protocol", `HEAD's Content-Length is ${headLength} but GET's body is ${r.body.length} bytes`);
        }
        if (actual !== expected) {
          // OpenRegistry re-encodes manifests on GET (ImageManifest.ToOCISubject() in
          // store/v1/types/registry.go re-marshals them with tab indentation) while
          // Docker-Content-Digest stays the digest of the pushed bytes: real pulls fail on this.
          const problem = `Docker-Content-Digest is ${expected} but the body's digest is ${actual}; clients that verify digests (docker, containerd, podman) reject this manifest`;
          details.manifestDigestMismatch = { step: name, header: expected, body: actual };
          if (spec.verify_manifest_digest) throw new StepFailure("integrity", problem);
          digestProblems.push(`${name}: ${problem} (accepted: verify_manifest_digest is false)`);
        }
        const type = (header(r.headers, "content-type") ?? "").split(";")[0].trim();
        let doc: { mediaType?: string; manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] };
        try {
          doc = JSON.parse(r.body.toString("utf8"));
        } catch {
          throw new StepFailure("protocol", "manifest is not valid JSON");
        }
        if (type && doc.mediaType && type !== doc.mediaType) {
          throw new StepFailure(
            "protocol",
            `Content-Type is ${type.slice(0, 80)} but the manifest's mediaType is ${String(doc.mediaType).slice(0, 80)}`,
          );
        }
        const mediaType = type || doc.mediaType || "";
        if (![OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].includes(mediaType))
          throw new StepFailure("protocol", `unexpected manifest content type ${mediaType.slice(0, 80)}`);
        return { mediaType, doc };
      };
      const digestProblems: string[] = [];
      const headLengthText = header(head.headers, "content-length");
      const headLength = headLengthText !== undefined && /^\d+$/.test(headLengthText) ? Number(headLengthText) : undefined;
      let manifest = await fetchManifest("manifest-get", manifestUrl, digest, headLength);
      if (manifest.mediaType === OCI_INDEX || manifest.mediaType === DOCKER_LIST) {
        const wanted = parsePlatform(spec.pull.platform);
        const chosen = (manifest.doc.manifests ?? []).find((m) => m.platform && samePlatform(wanted, m.platform));
        if (!Array.isArray(manifest.doc.manifests)) {
          throw new StepFailure(
            "protocol",
            `the index has no manifests list${details.manifestDigestMismatch ? " (its body is not the index that was pushed: see the digest mismatch)" : ""}`,
          );
        }
        if (!chosen || !DIGEST.test(chosen.digest))
          throw new StepFailure("protocol", `the index has no manifest for ${spec.pull.platform}`);
        details.platformDigest = chosen.digest;
        manifest = await fetchManifest("platform-manifest", new URL(`/v2/${repo}/manifests/${chosen.digest}`, base), chosen.digest);
      }

      // 5. One blob, through the redirect to storage, verified by its digest (sha256 or sha512).
      if (spec.pull.blob !== "none") {
        const layers = (manifest.doc.layers ?? []).filter((l) => DIGEST.test(l.digest));
        const blob =
          spec.pull.blob === "config" ? manifest.doc.config : [...layers].sort((a, b) => (a.size ?? Infinity) - (b.size ?? Infinity))[0];
        if (!blob || !DIGEST.test(blob.digest))
          throw new StepFailure("protocol", `the manifest names no ${spec.pull.blob === "config" ? "config blob" : "layer"}`);
        if (blob.size !== undefined && blob.size > spec.pull.max_blob_bytes)
          throw new StepFailure(
            "protocol",
            `the ${spec.pull.blob} blob is ${blob.size} bytes, over max_blob_bytes (${spec.pull.max_blob_bytes})`,
          );
        let url = new URL(`/v2/${repo}/blobs/${blob.digest}`, base);
        if (spec.pull.head_blob) {
          // Not followed: a presigned storage URL is signed for GET, so a HEAD there proves nothing.
          const h = await authed("blob-head", "HEAD", url, {}, 0, false);
          if (h.status >= 300 && h.status < 400) {
            if (!header(h.headers, "location")) throw new StepFailure("protocol", `blob HEAD redirect ${h.status} without a Location`);
          } else {
            if (h.status !== 200) await failStatus(h, "blob HEAD", url, "BLOB_UNKNOWN");
            const length = header(h.headers, "content-length");
            if (blob.size !== undefined && length !== undefined && Number(length) !== blob.size) {
              throw new StepFailure("integrity", `blob HEAD says Content-Length ${length}, the manifest says ${blob.size} bytes`);
            }
            const headDigest = header(h.headers, "docker-content-digest");
            if (headDigest && headDigest !== blob.digest)
              throw new StepFailure("integrity", `blob HEAD's Docker-Content-Digest ${headDigest.slice(0, 140)} is not ${blob.digest}`);
          }
        }
        let r = await authed("blob", "GET", url, {}, spec.pull.max_blob_bytes + 1, false);
        for (let hop = 0; r.status >= 300 && r.status < 400; hop++) {
          const location = header(r.headers, "location");
          if (!location) throw new StepFailure("protocol", `blob redirect ${r.status} without a Location`);
          if (hop >= spec.max_redirects) throw new StepFailure("protocol", `too many redirects (more than ${spec.max_redirects})`);
          const next = new URL(location, url);
          // Presigned storage URLs carry their own authorization; the registry token never leaves its origin.
          const headers: Record<string, string> = next.origin === base.origin ? pull.withAuth() : {};
          url = next;
          r = await call("storage", "GET", url, headers, spec.pull.max_blob_bytes + 1, false);
        }
        if (r.status !== 200) {
          const onStorage = url.origin !== base.origin;
          if (onStorage) throw new StepFailure("http_status", `storage ${url.host} answered ${r.status} for the blob`);
          await failStatus(r, "blob GET", url, "BLOB_UNKNOWN");
        }
        if (r.truncated) throw new StepFailure("protocol", `blob is larger than max_blob_bytes (${spec.pull.max_blob_bytes})`);
        const actual = digestLike(blob.digest, r.body);
        if (actual !== blob.digest)
          throw new StepFailure(
            "integrity",
            `blob digest mismatch${url.origin !== base.origin ? ` from storage ${url.host}` : ""}: expected ${blob.digest}, got ${actual}`,
          );
        details.blobBytes = r.body.length;
      }
      if (digestProblems.length) details.manifestDigestProblems = digestProblems;

      // 6. Optionally the referrers of the pulled manifest: an OCI index, or a named 404 where
      // the registry lacks the API (distribution 2.8); down on 404 only when required.
      if (spec.pull.referrers) {
        const url = new URL(`/v2/${repo}/referrers/${digest}`, base);
        const r = await authed("referrers", "GET", url, { accept: OCI_INDEX }, MANIFEST_CAP);
        if (r.status === 404) {
          details.referrers = "the registry answered 404: no referrers API";
          if (spec.pull.referrers.required)
            throw new StepFailure("http_status", "404: the registry has no referrers API (pull.referrers.required is true)");
        } else {
          if (r.status !== 200) await failStatus(r, "referrers", url, "NAME_UNKNOWN");
          const type = (header(r.headers, "content-type") ?? "").split(";")[0].trim();
          let doc: { mediaType?: unknown; manifests?: unknown };
          try {
            doc = JSON.parse(r.body.toString("utf8"));
          } catch {
            throw new StepFailure("protocol", "referrers answer is not JSON");
          }
          if (type !== OCI_INDEX || doc.mediaType !== OCI_INDEX || !Array.isArray(doc.manifests)) {
            throw new StepFailure(
              "protocol",
              `referrers answer is not an OCI index (Content-Type ${type.slice(0, 80) || "(none)"}, mediaType ${String(doc.mediaType).slice(0, 80)})`,
            );
          }
          details.referrers = doc.manifests.length;
        }
      }

      // 7. Optionally the tags list, page by page through Link rel="next" (bounded by max_pages).
      if (spec.pull.tags) {
        const tags: string[] = [];
        let url: URL | null = new URL(`/v2/${repo}/tags/list?n=${spec.pull.tags.page_size}`, base);
        let page = 0;
        while (url) {
          page++;
          const name = page === 1 ? "tags" : `tags-page-${page}`;
          const r = await authed(name, "GET", url, { accept: "application/json" }, SMALL_CAP * 16);
          if (r.status !== 200) await failStatus(r, "tags list", url, "NAME_UNKNOWN");
          let doc: { name?: unknown; tags?: unknown };
          try {
            doc = JSON.parse(r.body.toString("utf8"));
          } catch {
            throw new StepFailure("protocol", "tags list is not JSON");
          }
          if (doc.name !== repo) throw new StepFailure("protocol", `tags list names ${String(doc.name).slice(0, 80)}, not ${repo}`);
          if (doc.tags !== null && !Array.isArray(doc.tags)) throw new StepFailure("protocol", "tags list has no tags array");
          tags.push(...((doc.tags as unknown[] | null) ?? []).filter((t): t is string => typeof t === "string"));
          const next = nextLink(header(r.headers, "link"));
          if (next && page >= spec.pull.tags.max_pages) {
            details.tagsTruncatedAtPage = page;
            break;
          }
          url = next ? new URL(next, url) : null;
        }
        details.tags = { count: tags.length, pages: page };
        const isTag = !DIGEST.test(spec.pull.reference);
        if (isTag && details.tagsTruncatedAtPage === undefined && !tags.includes(spec.pull.reference)) {
          throw new StepFailure(
            "protocol",
            `the tags list (${tags.length} tags, ${page} page${page === 1 ? "" : "s"}) does not list ${spec.pull.reference}, which the manifest step pulled`,
          );
        }
      }
    }

    // 8. Optionally the push canary, with an account of its own (from the environment only).
    let pushProblems: string[] = [];
    if (spec.push) {
      const session = await openSession(
        spec.push.repository,
        "pull,push,delete",
        resolveSecret(spec.push.username, ctx.env),
        resolveSecret(spec.push.password, ctx.env),
        "push-token",
      );
      const pushed = await pushCanary({ base, ...session }, spec.push.repository, spec.push.tag, spec.verify_manifest_digest);
      details.push = { repository: spec.push.repository, manifestDigest: pushed.manifestDigest, cleanup: pushed.cleanup };
      pushProblems = pushed.problems;
    }

    const totalMs = performance.now() - started;
    const phases = { ...steps[0]?.phases, totalMs };
    if (details.manifestDigestProblems)
      return {
        status: "degraded",
        errorClass: "integrity",
        phases,
        details,
        error: (details.manifestDigestProblems as string[]).join("; "),
      };
    if (pushProblems.length) return { status: "degraded", errorClass: "integrity", phases, details, error: pushProblems.join("; ") };
    const slow = spec.step_degraded_after !== undefined ? steps.find((s) => s.ms > spec.step_degraded_after!) : undefined;
    if (slow)
      return {
        status: "degraded",
        phases,
        details,
        error: `slow step: ${slow.name} took ${Math.round(slow.ms)} ms (limit ${spec.step_degraded_after} ms)`,
      };
    return { status: "up", phases, details };
  } catch (err) {
    const totalMs = performance.now() - started;
    details.failedStep = current;
    if (err instanceof Throttled) {
      details.ociCode = err.ociCode;
      if (err.retryAfterSeconds !== undefined) details.retryAfterSeconds = err.retryAfterSeconds;
      return {
        status: "degraded",
        errorClass: "http_status",
        error: `${current}: ${err.message}`,
        phases: { ...lastPhases, totalMs },
        details,
      };
    }
    if (err instanceof StepFailure) {
      if (err.ociCode) details.ociCode = err.ociCode;
      return {
        status: "down",
        errorClass: err.errorClass,
        error: `${current}: ${err.message}`,
        phases: { ...lastPhases, totalMs },
        details,
      };
    }
    if (err instanceof BodyCutShortError && !ctx.signal.aborted && (current === "blob" || current === "storage")) {
      // A blob that stops early cannot match its digest: the registry or storage lost the content.
      return {
        status: "down",
        errorClass: "integrity",
        error: `${current}: blob body cut short: ${err.message}`,
        phases: { ...lastPhases, totalMs },
        details,
      };
    }
    const { errorClass, error } = classifyError(err, ctx.signal.aborted);
    return { status: "down", errorClass, error: `${current}: ${error}`, phases: { ...lastPhases, totalMs }, details };
  } finally {
    http.close();
  }
}
