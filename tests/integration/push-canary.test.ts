import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, pushImage, startRegistry, USER, type TestRegistry } from "../helpers/oci-registry";
import { startReencodingFront } from "../helpers/reencoding-registry";
import { startHeaderTamperingFront } from "../helpers/header-tampering-front";
import { defineMonitor } from "../helpers/definitions";
import { missing } from "../helpers/external-parts";
import { runProbe } from "@/monitors/probes/run-probe";
import { parseConfig } from "@/monitors/config/load";
import { stringify } from "yaml";
import { sharedTokenCache } from "@/monitors/probes/registry/token-cache";

const env = { PUSH_USER: USER, PUSH_PASSWORD: PASSWORD, PUSH_BAD_PASSWORD: "wrong-password" };
const push = { repository: "openregistry/push-canary", username: { env: "PUSH_USER" }, password: { env: "PUSH_PASSWORD" } };
const PUSH_STEPS = [
  "upload-start",
  "upload-put",
  "chunk-start",
  "chunk-patch",
  "chunk-put",
  "manifest-put",
  "pushed-manifest",
  "pushed-config",
  "pushed-layer",
  "delete-manifest",
  "delete-config",
  "delete-layer",
];

const probe = (m: Record<string, unknown>, withEnv: Record<string, string> = env) =>
  runProbe(defineMonitor({ kind: "registry", timeout: "5s", push, ...m }), { env: withEnv });
type Result = Awaited<ReturnType<typeof probe>>;
const steps = (r: Result) => r.details.steps as Array<{ name: string; ms: number; status?: number }>;
const stepNames = (r: Result) => steps(r).map((s) => s.name);
const pushed = (r: Result) => r.details.push as { repository: string; manifestDigest: string; cleanup: string };

/** What a client finds in the registry afterwards (the harness's own requests, with the push account). */
async function statusOf(reg: TestRegistry, path: string): Promise<number> {
  const headers = { ...(await reg.pushAuth("openregistry/push-canary")), accept: "application/vnd.oci.image.manifest.v1+json" };
  return (await fetch(`${reg.url}/v2/openregistry/push-canary/${path}`, { headers })).status;
}

describe.skipIf(missing("docker-registry"))("push canary against Debian's docker-registry (distribution 2.8)", () => {
  describe("no auth", () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startRegistry("none");
    }, 30_000);
    afterAll(async () => reg.stop());

    it("uploads monolithic and chunked, pushes, reads back, deletes: one timed step each, new content every run", async () => {
      const first = await probe({ url: reg.url });
      expect(first.error).toBeUndefined();
      expect(first.status).toBe("up");
      expect(stepNames(first)).toEqual(["api", ...PUSH_STEPS]);
      for (const s of steps(first)) expect(s.ms).toBeGreaterThan(0);
      expect(steps(first).map((s) => s.status)).toEqual([200, 202, 201, 202, 202, 201, 201, 200, 200, 200, 202, 202, 202]);
      expect(pushed(first)).toMatchObject({ repository: "openregistry/push-canary", cleanup: "deleted" });
      // Deleted for real: the manifest and the blobs are gone.
      expect(await statusOf(reg, `manifests/${pushed(first).manifestDigest}`)).toBe(404);
      const second = await probe({ url: reg.url });
      expect(second.status).toBe("up");
      expect(pushed(second).manifestDigest).not.toBe(pushed(first).manifestDigest);
    });

    it("until both variables are set the monitor waits for credentials (disabled, named), like any unset secret", () => {
      const spec = stringify({ monitors: [{ slug: "push", name: "Push", kind: "registry", url: reg.url, push }] });
      expect(parseConfig(spec, "push.yaml", { PUSH_USER: USER }).monitors[0].disabledReason).toMatch(/PUSH_PASSWORD/);
      expect(parseConfig(spec, "push.yaml", env).monitors[0].disabledReason).toBeUndefined();
    });

    it("runs after the pull in the same check", async () => {
      await pushImage(reg, "openregistry/canary", "latest");
      const r = await probe({ url: reg.url, check: "pull", pull: { repository: "openregistry/canary", reference: "latest" } });
      expect(r.error).toBeUndefined();
      expect(stepNames(r)).toEqual(["api", "manifest-head", "manifest-get", "blob", ...PUSH_STEPS]);
    });

    it("a registry that re-encodes manifests (as OpenRegistry does) is down at pushed-manifest, or degraded when accepted", async () => {
      const front = await startReencodingFront(reg.url);
      try {
        const r = await probe({ url: front.url });
        expect(r).toMatchObject({ status: "down", errorClass: "integrity", details: { failedStep: "pushed-manifest" } });
        expect(r.error).toMatch(
          /^pushed-manifest: the manifest pushed as sha256:[a-f0-9]{64} reads back as bytes whose digest is sha256:[a-f0-9]{64}; clients that verify digests \(docker, containerd, podman\) reject this manifest$/,
        );
        const accepted = await probe({ url: front.url, verify_manifest_digest: false });
        expect(accepted).toMatchObject({ status: "degraded", errorClass: "integrity" });
        expect(accepted.error).toMatch(/\(accepted: verify_manifest_digest is false\)$/);
        expect(pushed(accepted).cleanup).toBe("deleted");
      } finally {
        front.stop();
      }
    });

    it("a chunked upload answered with the digest of the last request's body (OpenRegistry's CompleteUpload) is degraded and named", async () => {
      const front = await startHeaderTamperingFront(reg.url);
      const emptyDigest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
      front.state.tamper = (method, path, headers) => {
        if (method === "PUT" && path.includes("/blobs/uploads/") && headers["docker-content-digest"])
          headers["docker-content-digest"] = emptyDigest;
      };
      try {
        const r = await probe({ url: front.url });
        expect(r).toMatchObject({ status: "degraded", errorClass: "integrity" });
        expect(r.error).toContain(`upload-put: the answer's Docker-Content-Digest is ${emptyDigest} but the bytes sent have sha256:`);
        expect(r.error).toContain(`chunk-put: the answer's Docker-Content-Digest is ${emptyDigest} but the bytes sent have sha256:`);
        expect(stepNames(r)).toEqual(["api", ...PUSH_STEPS]);
      } finally {
        front.stop();
      }
    });
  });

  describe("htpasswd (Basic)", () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startRegistry("htpasswd");
    }, 30_000);
    afterAll(async () => reg.stop());

    it("pushes with the account; a wrong password is down with UNAUTHORIZED at the first upload", async () => {
      const r = await probe({ url: reg.url });
      expect(r.error).toBeUndefined();
      expect(r).toMatchObject({ status: "up", details: { auth: "basic" } });
      expect(stepNames(r)).toEqual(["api", ...PUSH_STEPS]);
      const bad = await probe({ url: reg.url, push: { ...push, password: { env: "PUSH_BAD_PASSWORD" } } });
      expect(bad).toMatchObject({ status: "down", errorClass: "auth", details: { failedStep: "upload-start", ociCode: "UNAUTHORIZED" } });
    });
  });

  describe("token auth (Bearer, JWTs from a token server of the test)", () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startRegistry("token");
    }, 30_000);
    afterAll(async () => reg.stop());

    it("asks a push token of its own (pull,push,delete), cached apart from the pull's", async () => {
      sharedTokenCache.clear();
      const before = reg.tokenServer!.issued;
      const r = await probe({ url: reg.url });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe("up");
      expect(stepNames(r)).toEqual(["api", "push-token", ...PUSH_STEPS]);
      expect(reg.tokenServer!.issued - before).toBe(1);
      const again = await probe({ url: reg.url });
      expect(steps(again)[1]).toMatchObject({ name: "push-token", host: "cache" });
      expect(pushed(again).cleanup).toBe("deleted");
    });

    it("a wrong password is down at push-token", async () => {
      sharedTokenCache.clear();
      const bad = await probe({ url: reg.url, push: { ...push, password: { env: "PUSH_BAD_PASSWORD" } } });
      expect(bad).toMatchObject({ status: "down", errorClass: "auth", details: { failedStep: "push-token", ociCode: "UNAUTHORIZED" } });
    });
  });

  describe("deletes disabled (storage.delete.enabled: false)", () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startRegistry("none", { deletes: false });
    }, 30_000);
    afterAll(async () => reg.stop());

    it("405 UNSUPPORTED on delete is named in the result, not down; the canary stays", async () => {
      const r = await probe({ url: reg.url });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe("up");
      expect(stepNames(r)).toEqual(["api", ...PUSH_STEPS.slice(0, -2)]);
      expect(steps(r).at(-1)).toMatchObject({ name: "delete-manifest", status: 405 });
      expect(pushed(r).cleanup).toBe(
        "not deleted: the registry does not allow deletes (delete-manifest answered 405 UNSUPPORTED); the canary manifest and its two blobs stay in openregistry/push-canary",
      );
      expect(await statusOf(reg, `manifests/${pushed(r).manifestDigest}`)).toBe(200);
    });
  });
});
