import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { deleteBlob, PASSWORD, pushImage, pushIndex, startRegistry, USER, type PushedImage, type TestRegistry } from "../helpers/oci-registry";
import { startRedirectingFront } from "../helpers/redirecting-front";
import { defineMonitor } from "../helpers/definitions";
import { runProbe } from "../../monitors/probes/run-probe";
import { sharedTokenCache } from "../../monitors/probes/registry/token-cache";

const env = { REG_USER: USER, REG_PASSWORD: PASSWORD, REG_BAD_PASSWORD: "wrong" };
const creds = { username: { env: "REG_USER" }, password: { env: "REG_PASSWORD" } };

const probe = (m: Record<string, unknown>) => runProbe(defineMonitor({ kind: "registry", timeout: "5s", ...m }), { env });
const stepNames = (r: Awaited<ReturnType<typeof probe>>) => (r.details.steps as Array<{ name: string }>).map((s) => s.name);

import { spawnSync } from "node:child_process";

if (spawnSync("which", ["docker-registry"]).status !== 0) {
  throw new Error("docker-registry is missing: install Debian's docker-registry package (.ci/run does)");
}

describe("registry probe against Debian's docker-registry (distribution 2.8)", () => {
  describe("no auth", () => {
    let reg: TestRegistry;
    let img: PushedImage;
    beforeAll(async () => {
      reg = await startRegistry("none");
      img = await pushImage(reg, "openregistry/canary", "latest");
      await pushImage(reg, "openregistry/broken", "latest").then((b) => deleteBlob(reg, "openregistry/broken", b.configDigest));
      await pushIndex(reg, "openregistry/multi", "v1");
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
      const r = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: img.manifestDigest, blob: "smallest-layer" } });
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
      const r = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/multi", reference: "v1", platform: "linux/arm64" } });
      expect(r.status).toBe("up");
      expect(stepNames(r)).toEqual(["api", "manifest-head", "manifest-get", "platform-manifest", "blob"]);
      const none = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/multi", reference: "v1", platform: "linux/s390x" } });
      expect(none).toMatchObject({ status: "down", errorClass: "protocol", error: "manifest-get: the index has no manifest for linux/s390x" });
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

    it("a slow step makes the result degraded", async () => {
      const r = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" }, step_degraded_after: "0ms", timeout: "5s" });
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
      expect((await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" }, credentials: creds })).status).toBe("up");
      const bad = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" }, credentials: { ...creds, password: { env: "REG_BAD_PASSWORD" } } });
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

    it("anonymous pulls get a pull-only token", async () => {
      sharedTokenCache.clear();
      expect((await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" } })).status).toBe("up");
    });

    it("a bad password is down with UNAUTHORIZED at the token step", async () => {
      sharedTokenCache.clear();
      const r = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" }, credentials: { ...creds, password: { env: "REG_BAD_PASSWORD" } } });
      expect(r).toMatchObject({ status: "down", errorClass: "auth", details: { failedStep: "token", ociCode: "UNAUTHORIZED" } });
    });

    it("a registry stopped mid-check is down at the step that found it gone", async () => {
      sharedTokenCache.clear();
      const victim = await startRegistry("token");
      await pushImage(victim, "openregistry/canary", "latest");
      sharedTokenCache.clear();
      victim.tokenServer!.onIssue = () => victim.process.kill("SIGKILL");
      const r = await probe({ url: victim.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" }, credentials: creds });
      await victim.stop();
      expect(r).toMatchObject({ status: "down", errorClass: "connect", details: { failedStep: "manifest-head" } });
    });
  });

  describe("API check edge cases (loopback fakes)", () => {
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
      expect(await probe({ url })).toMatchObject({ status: "down", errorClass: "protocol", error: "api: 401 without a well-formed WWW-Authenticate challenge" });
      server.close();
    });
  });
});
