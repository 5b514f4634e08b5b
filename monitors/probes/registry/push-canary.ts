import { randomUUID } from "node:crypto";
import { header, type CappedResponse, type HttpMethod } from "../http-client";
import { digestLike } from "./digest";
import { OCI_MANIFEST } from "./media-types";
import { ociError } from "./oci-error";
import { StepFailure } from "./step-failure";

const SMALL_CAP = 64 * 1024;
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

/** The requests of a probe's session with push rights (see openSession in registry-probe.ts). */
export interface PushSession {
  base: URL;
  authed(
    name: string,
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    cap: number,
    follow?: boolean,
    body?: Buffer,
  ): Promise<CappedResponse>;
  failStatus(r: CappedResponse, what: string, url: URL, expectedCode: string, askAgainWithGet?: boolean): Promise<never>;
}

export interface PushOutcome {
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
  /** "deleted", or why the canary stays in the repository. */
  cleanup: string;
  /** Defects that did not stop the push (a wrong digest header, an accepted re-encoded manifest): degraded. */
  problems: string[];
}

/**
 * The write path a `docker push` takes, which a pull never touches: two small blobs, one
 * uploaded monolithically (POST, then PUT with the bytes) and one in chunks (POST, PATCH, PUT),
 * a manifest that references both, each read back by digest and verified, then deleted. The
 * content is new on every run (a time and a random id), so no step can be answered from a
 * previous run's upload.
 */
export async function pushCanary(s: PushSession, repository: string, tag: string, verifyManifestDigest: boolean): Promise<PushOutcome> {
  const problems: string[] = [];
  const nonce = `${new Date().toISOString()} ${randomUUID()}`;
  const layer = Buffer.from(`openregistry-status push canary ${nonce}\n`);
  const layerDigest = digestLike("sha256:", layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [layerDigest] },
      config: { Labels: { "dev.openregistry.status.canary": nonce } },
    }),
  );
  const configDigest = digestLike("sha256:", config);
  const uploads = new URL(`/v2/${repository}/blobs/uploads/`, s.base);
  const octets = { "content-type": "application/octet-stream" };

  // A header that names another digest than the bytes sent: the bytes are checked when read
  // back, so this is a defect of the answer (containerd checks it and fails the push), not data loss.
  const checkDigestHeader = (step: string, r: CappedResponse, expected: string) => {
    const named = header(r.headers, "docker-content-digest");
    if (named && named !== expected)
      problems.push(`${step}: the answer's Docker-Content-Digest is ${named.slice(0, 140)} but the bytes sent have ${expected}`);
  };
  const startUpload = async (step: string): Promise<URL> => {
    const r = await s.authed(step, "POST", uploads, {}, SMALL_CAP, true, Buffer.alloc(0));
    if (r.status !== 202) await s.failStatus(r, "blob upload start", uploads, "NAME_UNKNOWN", false);
    return uploadLocation(r, uploads, s.base);
  };
  const finishUpload = async (step: string, location: URL, digest: string, body: Buffer) => {
    const url = new URL(location);
    url.searchParams.set("digest", digest);
    const r = await s.authed(step, "PUT", url, octets, SMALL_CAP, true, body);
    if (r.status !== 201) await s.failStatus(r, "blob upload", url, "BLOB_UPLOAD_UNKNOWN", false);
    checkDigestHeader(step, r, digest);
  };

  // 1. The config blob, monolithic: POST, then PUT with the bytes.
  await finishUpload("upload-put", await startUpload("upload-start"), configDigest, config);

  // 2. The layer, in chunks: POST, PATCH with the bytes, PUT without (as docker does).
  const chunkAt = await startUpload("chunk-start");
  const patch = await s.authed(
    "chunk-patch",
    "PATCH",
    chunkAt,
    { ...octets, "content-range": `0-${layer.length - 1}` },
    SMALL_CAP,
    true,
    layer,
  );
  if (patch.status !== 202) await s.failStatus(patch, "blob chunk", chunkAt, "BLOB_UPLOAD_UNKNOWN", false);
  await finishUpload(
    "chunk-put",
    header(patch.headers, "location") ? uploadLocation(patch, chunkAt, s.base) : chunkAt,
    layerDigest,
    Buffer.alloc(0),
  );

  // 3. A manifest that references both, under the canary's tag.
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: OCI_LAYER, digest: layerDigest, size: layer.length }],
    }),
  );
  const manifestDigest = digestLike("sha256:", manifest);
  const manifestAt = new URL(`/v2/${repository}/manifests/${tag}`, s.base);
  const put = await s.authed("manifest-put", "PUT", manifestAt, { "content-type": OCI_MANIFEST }, SMALL_CAP, true, manifest);
  if (put.status !== 201) await s.failStatus(put, "manifest push", manifestAt, "MANIFEST_INVALID", false);
  checkDigestHeader("manifest-put", put, manifestDigest);

  // 4. Read everything back by digest and verify the bytes.
  const byDigest = new URL(`/v2/${repository}/manifests/${manifestDigest}`, s.base);
  const got = await s.authed("pushed-manifest", "GET", byDigest, { accept: OCI_MANIFEST }, SMALL_CAP);
  if (got.status !== 200) await s.failStatus(got, "pushed manifest GET", byDigest, "MANIFEST_UNKNOWN");
  const gotDigest = digestLike(manifestDigest, got.body);
  if (gotDigest !== manifestDigest) {
    const problem = `the manifest pushed as ${manifestDigest} reads back as bytes whose digest is ${gotDigest}; clients that verify digests (docker, containerd, podman) reject this manifest`;
    if (verifyManifestDigest) throw new StepFailure("integrity", problem);
    problems.push(`pushed-manifest: ${problem} (accepted: verify_manifest_digest is false)`);
  }
  for (const [step, digest, bytes] of [
    ["pushed-config", configDigest, config],
    ["pushed-layer", layerDigest, layer],
  ] as const) {
    const url = new URL(`/v2/${repository}/blobs/${digest}`, s.base);
    const r = await s.authed(step, "GET", url, {}, bytes.length + 1);
    if (r.status !== 200) await s.failStatus(r, "pushed blob GET", url, "BLOB_UNKNOWN");
    const actual = digestLike(digest, r.body);
    if (actual !== digest)
      throw new StepFailure("integrity", `the blob pushed as ${digest} reads back as ${r.body.length} bytes with digest ${actual}`);
  }

  // 5. Delete the manifest, then the blobs. A registry with deletes disabled answers 405
  // UNSUPPORTED: named, not a failure; the canary then stays (one manifest and two small blobs per run).
  let cleanup = "deleted";
  const deletes: Array<[string, URL]> = [
    ["delete-manifest", byDigest],
    ["delete-config", new URL(`/v2/${repository}/blobs/${configDigest}`, s.base)],
    ["delete-layer", new URL(`/v2/${repository}/blobs/${layerDigest}`, s.base)],
  ];
  for (const [step, url] of deletes) {
    const r = await s.authed(step, "DELETE", url, {}, SMALL_CAP);
    const code = ociError(r.body.toString("utf8"))?.code;
    if (r.status === 405 || code === "UNSUPPORTED") {
      cleanup = `not deleted: the registry does not allow deletes (${step} answered ${r.status}${code ? ` ${code}` : ""}); the canary manifest and its two blobs stay in ${repository}`;
      break;
    }
    if (r.status !== 202 && r.status !== 200 && r.status !== 204)
      await s.failStatus(r, step.replace("-", " "), url, step === "delete-manifest" ? "MANIFEST_UNKNOWN" : "BLOB_UNKNOWN", false);
  }
  return { manifestDigest, configDigest, layerDigest, cleanup, problems };
}

/**
 * The upload URL a POST or PATCH answered with (relative or absolute, perhaps with state in its
 * query). The canary's credentials go with every upload request, so only to the registry's origin.
 */
function uploadLocation(r: CappedResponse, from: URL, base: URL): URL {
  const location = header(r.headers, "location");
  if (!location) throw new StepFailure("protocol", `${r.status} without a Location for the upload`);
  const url = new URL(location, from);
  if (url.origin !== base.origin)
    throw new StepFailure(
      "protocol",
      `the upload Location is on another host (${url.host.slice(0, 80)}): the canary sends its credentials only to ${base.host}`,
    );
  return url;
}
