import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, request as httpRequest } from "node:http";
import { rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import {
  deleteBlob,
  PASSWORD,
  pushImage,
  pushIndex,
  startRegistry,
  USER,
  type PushedImage,
  type TestRegistry,
} from "../helpers/oci-registry";
import { startRedirectingFront } from "../helpers/redirecting-front";
import { startReencodingFront } from "../helpers/reencoding-registry";
import { startHeaderTamperingFront } from "../helpers/header-tampering-front";
import { sharedThrottleBook } from "@/monitors/probes/registry/throttle";
import { defineMonitor } from "../helpers/definitions";
import { runProbe } from "@/monitors/probes/run-probe";
import { sharedTokenCache } from "@/monitors/probes/registry/token-cache";

const env = { REG_USER: USER, REG_PASSWORD: PASSWORD, REG_BAD_PASSWORD: "wrong" };
const creds = { username: { env: "REG_USER" }, password: { env: "REG_PASSWORD" } };

const probe = (m: Record<string, unknown>) => runProbe(defineMonitor({ kind: "registry", timeout: "5s", ...m }), { env });
const stepNames = (r: Awaited<ReturnType<typeof probe>>) => (r.details.steps as Array<{ name: string }>).map((s) => s.name);

import { missing } from "../helpers/external-parts";

describe.skipIf(missing("docker-registry"))("registry probe against Debian's docker-registry (distribution 2.8)", () => {
  describe("no auth", () => {
    let reg: TestRegistry;
    let img: PushedImage;
    beforeAll(async () => {
      reg = await startRegistry("none");
      img = await pushImage(reg, "openregistry/canary", "latest");
      await pushImage(reg, "openregistry/broken", "latest").then((b) => deleteBlob(reg, "openregistry/broken", b.configDigest));
      await pushIndex(reg, "openregistry/multi", "v1");
      await pushIndex(reg, "openregistry/dockerlist", "v1", "application/vnd.docker.distribution.manifest.list.v2+json");
    }, 60_000);
    afterAll(async () => reg.stop());

    it("API check: /v2/ answers 200 and its API version is recorded", async () => {
      const r = await probe({ url: reg.url });
      expect(r.status).toBe("up");
      expect(r.details.apiVersion).toBe("registry/2.0");
    });

    it("a healthy pull: manifest digest verified, config blob verified", async () => {
      const r = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" } });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe("up");
      expect(stepNames(r)).toEqual(["api", "manifest-head", "manifest-get", "blob"]);
      expect(r.details.digest).toBe(img.manifestDigest);
      expect(r.details.blobBytes).toBe(img.config.length);
      for (const s of r.details.steps as Array<{ ms: number }>) expect(s.ms).toBeGreaterThan(0);
    });

    it("pull by digest, and the smallest layer instead of the config", async () => {
      const r = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/canary", reference: img.manifestDigest, blob: "smallest-layer" },
      });
      expect(r.status).toBe("up");
      expect(r.details.blobBytes).toBe(img.layer.length);
    });

    it("the wrong tag is down with MANIFEST_UNKNOWN at the manifest step", async () => {
      const r = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "no-such-tag" } });
      expect(r).toMatchObject({ status: "down", errorClass: "http_status" });
      expect(r.details).toMatchObject({ failedStep: "manifest-head", ociCode: "MANIFEST_UNKNOWN" });
      expect(r.error).toMatch(/^manifest-head: manifest HEAD: 404 MANIFEST_UNKNOWN/);
    });

    it("a deleted blob is down with BLOB_UNKNOWN at the blob step", async () => {
      const r = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/broken", reference: "latest" } });
      expect(r.status).toBe("down");
      expect(r.details).toMatchObject({ failedStep: "blob", ociCode: "BLOB_UNKNOWN" });
    });

    it("an index leads to the configured platform's manifest", async () => {
      const r = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/multi", reference: "v1", platform: "linux/arm64" },
      });
      expect(r.status).toBe("up");
      expect(stepNames(r)).toEqual(["api", "manifest-head", "manifest-get", "platform-manifest", "blob"]);
      const none = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/multi", reference: "v1", platform: "linux/s390x" },
      });
      expect(none).toMatchObject({
        status: "down",
        errorClass: "protocol",
        error: "manifest-get: the index has no manifest for linux/s390x",
      });
    });

    it("a Docker manifest list leads to the platform's manifest like an OCI index", async () => {
      const r = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/dockerlist", reference: "v1", platform: "linux/arm64/v8" },
      });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe("up");
      expect(stepNames(r)).toEqual(["api", "manifest-head", "manifest-get", "platform-manifest", "blob"]);
    });

    it("platforms are normalised as containerd does: linux/arm64/v8 pulls an arm64 entry without a variant", async () => {
      const r = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/multi", reference: "v1", platform: "linux/arm64/v8" },
      });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe("up");
      const amd = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/multi", reference: "v1", platform: "linux/amd64/v1" },
      });
      expect(amd.status).toBe("up");
      const arm32 = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/multi", reference: "v1", platform: "linux/arm/v6" },
      });
      expect(arm32).toMatchObject({ status: "down", error: "manifest-get: the index has no manifest for linux/arm/v6" });
    });

    it("blobs through a 307 to storage: verified, no Authorization sent there; corrupted bytes are down", async () => {
      const front = await startRedirectingFront(reg.url, new Map([[img.configDigest, img.config]]));
      try {
        const ok = await probe({ url: front.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" } });
        expect(ok.status).toBe("up");
        const storageStep = (ok.details.steps as Array<{ name: string; host?: string }>).find((s) => s.name === "storage");
        expect(storageStep?.host).toBe(new URL(front.storageUrl).host);
        expect(front.state.storageRequests).toBe(1);
        expect(front.state.storageSawAuthorization).toBe(false);
        front.state.corrupt = true;
        const bad = await probe({ url: front.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" } });
        expect(bad).toMatchObject({ status: "down", errorClass: "integrity" });
        expect(bad.error).toMatch(/^storage: blob digest mismatch from storage 127\.0\.0\.1:\d+/);
      } finally {
        front.stop();
      }
    });

    it("OpenRegistry's re-encoded manifest is down, in words a maintainer acts on", async () => {
      const front = await startReencodingFront(reg.url);
      try {
        const r = await probe({ url: front.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" } });
        expect(r).toMatchObject({ status: "down", errorClass: "integrity", details: { failedStep: "manifest-get" } });
        const body = (r.details.manifestDigestMismatch as { body: string }).body;
        expect(body).toMatch(/^sha256:[a-f0-9]{64}$/);
        expect(r.error).toBe(
          `manifest-get: Docker-Content-Digest is ${img.manifestDigest} but the body's digest is ${body}; clients that verify digests (docker, containerd, podman) reject this manifest`,
        );
        expect(r.details.manifestDigestMismatch).toEqual({ step: "manifest-get", header: img.manifestDigest, body });
      } finally {
        front.stop();
      }
    });

    it("verify_manifest_digest: false makes it degraded, still names the mismatch, and goes on to the blob", async () => {
      const front = await startReencodingFront(reg.url);
      try {
        const r = await probe({
          url: front.url,
          check: "pull",
          pull: { repository: "openregistry/canary", reference: "latest" },
          verify_manifest_digest: false,
        });
        expect(r).toMatchObject({ status: "degraded", errorClass: "integrity" });
        expect(stepNames(r)).toContain("blob");
        expect(r.details.blobBytes).toBe(img.config.length);
        expect(r.error).toMatch(
          /^manifest-get: Docker-Content-Digest is sha256:[a-f0-9]{64} but the body's digest is sha256:[a-f0-9]{64}; clients that verify digests \(docker, containerd, podman\) reject this manifest \(accepted: verify_manifest_digest is false\)$/,
        );
        // An index loses its manifests list in the re-encoding: no platform can be pulled, so down even when accepted.
        const index = await probe({
          url: front.url,
          check: "pull",
          pull: { repository: "openregistry/multi", reference: "v1" },
          verify_manifest_digest: false,
        });
        expect(index).toMatchObject({
          status: "down",
          errorClass: "protocol",
          error: "manifest-get: the index has no manifests list (its body is not the index that was pushed: see the digest mismatch)",
        });
      } finally {
        front.stop();
      }
    });

    it("GET's digest against HEAD's, HEAD's Content-Length against the body, Content-Type against mediaType: each mismatch named", async () => {
      const front = await startHeaderTamperingFront(reg.url);
      const spec = { url: front.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" } };
      const isManifest = (path: string) => path.includes("/manifests/");
      try {
        const other = `sha256:${"0".repeat(64)}`;
        front.state.tamper = (method, path, h) => {
          if (method === "GET" && isManifest(path)) h["docker-content-digest"] = other;
        };
        expect(await probe(spec)).toMatchObject({
          status: "down",
          errorClass: "integrity",
          error: `manifest-get: GET's Docker-Content-Digest ${other} differs from HEAD's ${img.manifestDigest}`,
        });
        front.state.tamper = (method, path, h) => {
          if (method === "HEAD" && isManifest(path)) h["content-length"] = "7";
        };
        const size = await probe(spec);
        expect(size).toMatchObject({ status: "down", errorClass: "protocol" });
        expect(size.error).toMatch(/^manifest-get: HEAD's Content-Length is 7 but GET's body is \d+ bytes$/);
        front.state.tamper = (method, path, h) => {
          if (method === "GET" && isManifest(path)) h["content-type"] = "application/vnd.docker.distribution.manifest.v2+json";
        };
        expect(await probe(spec)).toMatchObject({
          status: "down",
          errorClass: "protocol",
          error:
            "manifest-get: Content-Type is application/vnd.docker.distribution.manifest.v2+json but the manifest's mediaType is application/vnd.oci.image.manifest.v1+json",
        });
      } finally {
        front.stop();
      }
    });

    it("a config blob addressed by sha512 is verified with sha512; wrong bytes are still caught", async () => {
      let pushed: PushedImage;
      try {
        pushed = await pushImage(reg, "openregistry/sha512", "latest", "amd64", "sha512");
      } catch (e) {
        // Only where the registry supports sha512 uploads; distribution 2.8 does.
        throw new Error(`docker-registry refused a sha512 blob: ${(e as Error).message}`);
      }
      expect(pushed.configDigest).toMatch(/^sha512:[a-f0-9]{128}$/);
      const r = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/sha512", reference: "latest" } });
      expect(r.error).toBeUndefined();
      expect(r).toMatchObject({ status: "up", details: { blobBytes: pushed.config.length } });
      const front = await startRedirectingFront(reg.url, new Map([[pushed.configDigest, pushed.config]]));
      try {
        front.state.corrupt = true;
        const bad = await probe({ url: front.url, check: "pull", pull: { repository: "openregistry/sha512", reference: "latest" } });
        expect(bad).toMatchObject({ status: "down", errorClass: "integrity" });
        expect(bad.error).toMatch(
          new RegExp(`^storage: blob digest mismatch from storage 127\\.0\\.0\\.1:\\d+: expected ${pushed.configDigest}, got sha512:`),
        );
      } finally {
        front.stop();
      }
    });

    it("tags list: distribution 2.8 ignores n (one page); a paginating front is followed through Link rel=next", async () => {
      for (const t of ["v1", "v2", "v3"]) await pushImage(reg, "openregistry/canary", t);
      const spec = {
        check: "pull",
        pull: { repository: "openregistry/canary", reference: "latest", blob: "none", tags: { page_size: 2 } },
      };
      const direct = await probe({ url: reg.url, ...spec });
      expect(direct.error).toBeUndefined();
      expect(direct.details.tags).toEqual({ count: 4, pages: 1 });
      const target = new URL(reg.url);
      const front = createServer(async (req, res) => {
        const u = new URL(req.url!, "http://x");
        if (u.pathname.endsWith("/tags/list")) {
          const all = (await (await fetch(`${reg.url}${u.pathname}`)).json()) as { name: string; tags: string[] };
          const sorted = [...all.tags].sort();
          const n = Number(u.searchParams.get("n") ?? 1000);
          const last = u.searchParams.get("last");
          const page = sorted.filter((t) => !last || t > last).slice(0, n);
          const more = sorted.filter((t) => !last || t > last).length > n;
          res.writeHead(200, {
            "content-type": "application/json",
            ...(more ? { link: `<${u.pathname}?n=${n}&last=${page[page.length - 1]}>; rel="next"` } : {}),
          });
          return res.end(JSON.stringify({ name: all.name, tags: page }));
        }
        const up = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
          (r) => {
            res.writeHead(r.statusCode!, r.headers);
            r.pipe(res);
          },
        );
        req.pipe(up);
      });
      await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
      const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
      try {
        const paged = await probe({ url: frontUrl, ...spec });
        expect(paged.error).toBeUndefined();
        expect(paged.details.tags).toEqual({ count: 4, pages: 2 });
        expect(stepNames(paged).slice(-2)).toEqual(["tags", "tags-page-2"]);
        const capped = await probe({ url: frontUrl, ...spec, pull: { ...spec.pull, tags: { page_size: 1, max_pages: 2 } } });
        expect(capped).toMatchObject({ status: "up", details: { tags: { count: 2, pages: 2 }, tagsTruncatedAtPage: 2 } });
        const otherTag = await probe({ url: frontUrl, ...spec, pull: { ...spec.pull, reference: "v1" } });
        expect(otherTag.status).toBe("up");
      } finally {
        front.close();
      }
    });

    it("referrers: distribution 2.8 lacks the API, so 404 is named and up unless required; an OCI index answer is counted", async () => {
      const spec = { check: "pull", pull: { repository: "openregistry/canary", reference: "latest", blob: "none", referrers: {} } };
      const lacking = await probe({ url: reg.url, ...spec });
      expect(lacking).toMatchObject({ status: "up", details: { referrers: "the registry answered 404: no referrers API" } });
      expect(stepNames(lacking)).toContain("referrers");
      const required = await probe({ url: reg.url, ...spec, pull: { ...spec.pull, referrers: { required: true } } });
      expect(required).toMatchObject({
        status: "down",
        errorClass: "http_status",
        error: "referrers: 404: the registry has no referrers API (pull.referrers.required is true)",
      });
      const target = new URL(reg.url);
      let answer: { type: string; body: string } = {
        type: "application/vnd.oci.image.index.v1+json",
        body: JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] }),
      };
      const front = createServer((req, res) => {
        if (req.url!.includes("/referrers/")) {
          res.writeHead(200, { "content-type": answer.type });
          return res.end(answer.body);
        }
        const up = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
          (r) => {
            res.writeHead(r.statusCode!, r.headers);
            r.pipe(res);
          },
        );
        req.pipe(up);
      });
      await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
      const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
      try {
        expect(await probe({ url: frontUrl, ...spec })).toMatchObject({ status: "up", details: { referrers: 0 } });
        answer = { type: "application/json", body: JSON.stringify({ manifests: [] }) };
        expect(await probe({ url: frontUrl, ...spec })).toMatchObject({
          status: "down",
          errorClass: "protocol",
          error: "referrers: referrers answer is not an OCI index (Content-Type application/json, mediaType undefined)",
        });
      } finally {
        front.close();
      }
    });

    it("HEAD blob: verified against the manifest's size; a deleted blob is BLOB_UNKNOWN at blob-head; a 307 to storage answers it", async () => {
      const ok = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/canary", reference: "latest", head_blob: true },
      });
      expect(ok.error).toBeUndefined();
      expect(stepNames(ok)).toEqual(["api", "manifest-head", "manifest-get", "blob-head", "blob"]);
      const gone = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/broken", reference: "latest", head_blob: true },
      });
      expect(gone).toMatchObject({ status: "down", details: { failedStep: "blob-head", ociCode: "BLOB_UNKNOWN" } });
      const front = await startRedirectingFront(reg.url, new Map([[img.configDigest, img.config]]));
      try {
        const viaStorage = await probe({
          url: front.url,
          check: "pull",
          pull: { repository: "openregistry/canary", reference: "latest", head_blob: true },
        });
        expect(viaStorage.error).toBeUndefined();
        expect(front.state.storageRequests).toBe(1); // only the GET went to storage
      } finally {
        front.stop();
      }
    });

    it("a slow step makes the result degraded", async () => {
      const r = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/canary", reference: "latest" },
        step_degraded_after: "0ms",
        timeout: "5s",
      });
      expect(r.status).toBe("degraded");
      expect(r.error).toMatch(/^slow step: api took \d+ ms \(limit 0 ms\)/);
    });
  });

  describe("htpasswd (Basic)", () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startRegistry("htpasswd");
      await pushImage(reg, "openregistry/canary", "latest");
    }, 60_000);
    afterAll(async () => reg.stop());

    it("the API check accepts a 401 with a Basic challenge", async () => {
      const r = await probe({ url: reg.url });
      expect(r).toMatchObject({ status: "up", details: { auth: "basic" } });
    });

    it("pulls with the right password; a bad password is down with UNAUTHORIZED", async () => {
      expect(
        (await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" }, credentials: creds }))
          .status,
      ).toBe("up");
      const bad = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/canary", reference: "latest" },
        credentials: { ...creds, password: { env: "REG_BAD_PASSWORD" } },
      });
      expect(bad).toMatchObject({ status: "down", errorClass: "auth", details: { ociCode: "UNAUTHORIZED" } });
    });
  });

  describe("token auth (Bearer, JWTs from a token server of the test)", () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startRegistry("token");
      await pushImage(reg, "openregistry/canary", "latest");
    }, 60_000);
    afterAll(async () => reg.stop());

    it("follows the Bearer challenge, pulls, and reuses the cached token", async () => {
      sharedTokenCache.clear();
      const before = reg.tokenServer!.issued;
      const spec = { url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" }, credentials: creds };
      const first = await probe(spec);
      expect(first.error).toBeUndefined();
      expect(stepNames(first)).toEqual(["api", "token", "manifest-head", "manifest-get", "blob"]);
      const second = await probe(spec);
      expect(second.status).toBe("up");
      expect(reg.tokenServer!.issued - before).toBe(1);
      expect((second.details.steps as Array<{ name: string; host?: string }>)[1]).toMatchObject({ name: "token", host: "cache" });
    });

    it("a cached token the registry refuses (signing key rotated) is dropped and fetched anew, once", async () => {
      sharedTokenCache.clear();
      // What the cache holds after a redeploy rotated the registry's key: a token it no longer accepts.
      const key = `${reg.tokenServer!.url}/token|test-registry|repository:openregistry/canary:pull|${USER}`;
      sharedTokenCache.set(key, "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzdGFsZSJ9.c2lnbmF0dXJl", 300);
      const before = reg.tokenServer!.issued;
      const spec = { url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" }, credentials: creds };
      const r = await probe(spec);
      expect(r.error).toBeUndefined();
      expect(r.status).toBe("up");
      expect(r.details.tokenRenewed).toBe(true);
      expect(stepNames(r)).toEqual(["api", "token", "manifest-head", "token", "manifest-head", "manifest-get", "blob"]);
      expect(reg.tokenServer!.issued - before).toBe(1);
      // The renewed token replaced the refused one: the next check uses it from the cache.
      const next = await probe(spec);
      expect(next.status).toBe("up");
      expect(next.details.tokenRenewed).toBeUndefined();
      expect(reg.tokenServer!.issued - before).toBe(1);
    });

    it("follows a redirect on the manifest steps to another host without sending Authorization there", async () => {
      sharedTokenCache.clear();
      const target = new URL(reg.url);
      const seen: Array<{ method: string; authorization: boolean }> = [];
      // The other host: it serves manifests from the registry with credentials of its own.
      const mirror = createServer(async (req, res) => {
        seen.push({ method: req.method!, authorization: req.headers.authorization !== undefined });
        const auth = await reg.pushAuth("openregistry/canary");
        const up = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { accept: req.headers.accept ?? "", ...auth },
          },
          (r) => {
            res.writeHead(r.statusCode!, r.headers);
            r.pipe(res);
          },
        );
        up.end();
      });
      await new Promise<void>((r) => mirror.listen(0, "127.0.0.1", r));
      const mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
      const front = createServer((req, res) => {
        if (req.url!.includes("/manifests/")) {
          res.writeHead(307, { location: `${mirrorUrl}${req.url}` });
          return res.end();
        }
        const up = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
          (r) => {
            res.writeHead(r.statusCode!, r.headers);
            r.pipe(res);
          },
        );
        req.pipe(up);
      });
      await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
      try {
        const r = await probe({
          url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
          check: "pull",
          pull: { repository: "openregistry/canary", reference: "latest" },
          credentials: creds,
        });
        expect(r.error).toBeUndefined();
        expect(r.status).toBe("up");
        const manifestSteps = (r.details.steps as Array<{ name: string; status: number; host?: string }>).filter((st) =>
          st.name.startsWith("manifest"),
        );
        expect(manifestSteps.map((st) => st.status)).toEqual([307, 200, 307, 200]);
        expect(manifestSteps[1].host).toBe(new URL(mirrorUrl).host);
        expect(seen.map((x) => x.method)).toEqual(["HEAD", "GET"]);
        expect(seen.every((x) => !x.authorization)).toBe(true);
      } finally {
        front.close();
        mirror.close();
      }
    });

    it("a cached token for another scope (401 insufficient_scope) is renewed once", async () => {
      sharedTokenCache.clear();
      const other = await reg.pushAuth("someone/else");
      const key = `${reg.tokenServer!.url}/token|test-registry|repository:openregistry/canary:pull|${USER}`;
      sharedTokenCache.set(key, other.authorization.replace(/^Bearer /, ""), 300);
      const r = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/canary", reference: "latest" },
        credentials: creds,
      });
      expect(r.error).toBeUndefined();
      expect(r).toMatchObject({ status: "up", details: { tokenRenewed: true } });
    });

    it("anonymous pulls get a pull-only token", async () => {
      sharedTokenCache.clear();
      expect((await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" } })).status).toBe(
        "up",
      );
    });

    it("a bad password is down with UNAUTHORIZED at the token step", async () => {
      sharedTokenCache.clear();
      const r = await probe({
        url: reg.url,
        check: "pull",
        pull: { repository: "openregistry/canary", reference: "latest" },
        credentials: { ...creds, password: { env: "REG_BAD_PASSWORD" } },
      });
      expect(r).toMatchObject({ status: "down", errorClass: "auth", details: { failedStep: "token", ociCode: "UNAUTHORIZED" } });
    });

    it("a registry stopped mid-check is down at the step that found it gone", async () => {
      sharedTokenCache.clear();
      const victim = await startRegistry("token");
      await pushImage(victim, "openregistry/canary", "latest");
      sharedTokenCache.clear();
      victim.tokenServer!.onIssue = () => victim.process.kill("SIGKILL");
      const r = await probe({
        url: victim.url,
        check: "pull",
        pull: { repository: "openregistry/canary", reference: "latest" },
        credentials: creds,
      });
      await victim.stop();
      expect(r).toMatchObject({ status: "down", errorClass: "connect", details: { failedStep: "manifest-head" } });
    });
  });

  describe("a blob-descriptor cache that outlives the blob", () => {
    let reg: TestRegistry;
    let img: PushedImage;
    beforeAll(async () => {
      reg = await startRegistry("none", { blobDescriptorCache: true });
      img = await pushImage(reg, "openregistry/canary", "latest");
    }, 60_000);
    afterAll(async () => reg.stop());

    it("200 with a Content-Length and then no bytes is an integrity failure at the blob step, not connect", async () => {
      const spec = { url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" } };
      expect((await probe(spec)).status).toBe("up"); // fills the descriptor cache
      rmSync(reg.blobPath(img.configDigest));
      const r = await probe(spec);
      expect(r).toMatchObject({ status: "down", errorClass: "integrity", details: { failedStep: "blob" } });
      expect(r.error).toMatch(
        new RegExp(
          `^blob: blob body cut short: answered 200 with Content-Length ${img.config.length}, then closed after 0 bytes of the body`,
        ),
      );
    });
  });

  describe("API check edge cases (loopback fakes)", () => {
    it("429 TOOMANYREQUESTS with Retry-After is degraded and named; the next check waits instead of asking again", async () => {
      sharedThrottleBook.clear();
      let requests = 0;
      const server = createServer((_req, res) => {
        requests++;
        res.writeHead(429, { "retry-after": "30", "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: "TOOMANYREQUESTS", message: "too many requests" }] }));
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const first = await probe({ url });
        expect(first).toMatchObject({
          status: "degraded",
          errorClass: "http_status",
          error: "api: 429 TOOMANYREQUESTS (Retry-After 30 s: the next checks wait until then)",
          details: { retryAfterSeconds: 30, ociCode: "TOOMANYREQUESTS" },
        });
        const second = await probe({ url });
        expect(second.status).toBe("degraded");
        expect(second.error).toMatch(
          /^still throttled: the registry asked to wait until \S+ \(429 Retry-After\); not asked again before then$/,
        );
        expect(requests).toBe(1);
      } finally {
        sharedThrottleBook.clear();
        server.close();
      }
    });

    it("404 on /v2/ is down; a 401 without a well-formed challenge is down", async () => {
      let mode = "404";
      const server = createServer((_req, res) => {
        if (mode === "404") res.writeHead(404);
        else res.writeHead(401, { "www-authenticate": "Bearer garbage" });
        res.end();
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await probe({ url })).toMatchObject({ status: "down", errorClass: "http_status", error: "api: GET /v2/ answered 404" });
      mode = "bad-challenge";
      expect(await probe({ url })).toMatchObject({
        status: "down",
        errorClass: "protocol",
        error: "api: 401 without a well-formed WWW-Authenticate challenge",
      });
      server.close();
    });
  });
});
