import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import S3rver from "s3rver";
import { startHttp } from "../helpers/loopback";
import { defineMonitor } from "../helpers/definitions";
import { runProbe } from "@/monitors/probes/run-probe";
import { parseConfig } from "@/monitors/config/load";
import { stringify } from "yaml";
import { skylinkBytes } from "@/monitors/probes/skylink";

/** The 55-character base32 spelling of a skylink, encoded here independently of the probe's decoder. */
function skylinkBase32(base64: string): string {
  let n = BigInt(`0x${Buffer.from(base64, "base64url").toString("hex")}`) << 3n;
  let out = "";
  for (let i = 0; i < 55; i++, n >>= 5n) out = "0123456789abcdefghijklmnopqrstuv"[Number(n & 31n)] + out;
  return out;
}

describe("skynet probe against a loopback portal (written from the portal's public API)", () => {
  const content = Buffer.from("OpenRegistry web app bundle, stored on Skynet");
  const skylink = "AADh7Q1xQxq1Q9vVn0tYbHkJ0pY1yYV4m7rW2bX9cZ0p1A";
  const uploads = new Map<string, Buffer>();
  const state = { critical: true, extended: true, corrupt: false, disabled: false as false | string };
  let lastApiKey: string | undefined;
  let portal: Awaited<ReturnType<typeof startHttp>>;

  beforeAll(async () => {
    portal = await startHttp((req, res) => {
      const path = new URL(req.url!, "http://x").pathname;
      lastApiKey = req.headers["skynet-api-key"] as string | undefined;
      const entry = (ok: boolean, names: string[], date = new Date()) => ({
        date: date.toISOString(),
        checks: names.map((name) => ({ name, up: ok, statusCode: ok ? 200 : 500, time: 12 })),
      });
      if (path === "/health-check") {
        // As webportal-health-check's src/api/index.js: { disabled: false | reason, entry }, 503 when disabled.
        const up = state.critical && !state.disabled;
        res.writeHead(up ? 200 : 503, { "content-type": "application/json" });
        return res.end(
          JSON.stringify({
            disabled: state.disabled,
            entry: entry(state.critical, state.critical ? ["uploadCheck", "downloadCheck"] : ["downloadCheck"]),
          }),
        );
      }
      if (path === "/health-check/extended") {
        // As src/routes/extended.js: the last 24 h of entries, newest first, always 200. An
        // hour-old entry holds the opposite result, so only the newest one may decide.
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(
          JSON.stringify([
            entry(state.extended, ["verifyAllSkylinks"]),
            entry(!state.extended, ["verifyAllSkylinks"], new Date(Date.now() - 3_600_000)),
          ]),
        );
      }
      if (path === "/skynet/skyfile" && req.method === "POST") {
        const chunks: Buffer[] = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
          const body = Buffer.concat(chunks);
          const start = body.indexOf("\r\n\r\n") + 4;
          const end = body.lastIndexOf(Buffer.from("\r\n--"));
          const file = body.subarray(start, end);
          // A skylink is 34 bytes in base64url (46 characters): here a version prefix and the sha256.
          const link = Buffer.concat([Buffer.from([0, 0]), createHash("sha256").update(file).digest()]).toString("base64url");
          uploads.set(link, file);
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ skylink: link, merkleroot: "x", bitfield: 0 }));
        });
        return;
      }
      const requested = path.slice(1);
      // Portals answer Skynet-Skylink in base64url whichever spelling was asked for.
      const link = requested.length === 55 ? skylinkBytes(requested)!.toString("base64url") : requested;
      const file = link === skylink ? content : uploads.get(link);
      if (!file) {
        res.writeHead(404);
        return res.end();
      }
      const body = Buffer.from(file);
      if (state.corrupt) body[0] ^= 1;
      res.writeHead(200, { "skynet-skylink": link, "content-type": "application/octet-stream" });
      res.end(body);
    });
  });
  afterAll(async () => portal.close());

  const spec = () => ({
    kind: "skynet",
    url: portal.url,
    skylink,
    expect_size: content.length,
    expect_sha256: createHash("sha256").update(content).digest("hex"),
  });

  it("healthy: critical and extended checks pass, the skylink downloads intact", async () => {
    Object.assign(state, { critical: true, extended: true, corrupt: false });
    const r = await runProbe(defineMonitor(spec()));
    expect(r.error).toBeUndefined();
    expect(r.status).toBe("up");
  });

  it("a failing critical check is down and named", async () => {
    Object.assign(state, { critical: false, extended: true, corrupt: false });
    expect(await runProbe(defineMonitor(spec()))).toMatchObject({
      status: "down",
      errorClass: "http_status",
      error: "health: health-check answered 503: downloadCheck failing",
    });
  });

  it("a failing extended check is degraded", async () => {
    Object.assign(state, { critical: true, extended: false, corrupt: false });
    expect(await runProbe(defineMonitor(spec()))).toMatchObject({
      status: "degraded",
      error: "extended checks failing: verifyAllSkylinks",
    });
  });

  it("a disabled portal is down with its reason", async () => {
    Object.assign(state, { critical: true, extended: true, corrupt: false, disabled: "maintenance: disk replacement" });
    const r = await runProbe(defineMonitor(spec()));
    Object.assign(state, { disabled: false });
    expect(r).toMatchObject({
      status: "down",
      errorClass: "http_status",
      error: "health: portal is disabled: maintenance: disk replacement",
      details: { disabledReason: "maintenance: disk replacement" },
    });
  });

  it("a 55-character base32 skylink downloads the same content, verified against the base64 Skynet-Skylink header", async () => {
    Object.assign(state, { critical: true, extended: true, corrupt: false });
    const base32 = skylinkBase32(skylink);
    expect(base32).toHaveLength(55);
    const r = await runProbe(defineMonitor({ ...spec(), skylink: base32 }));
    expect(r.error).toBeUndefined();
    expect(r.status).toBe("up");
  });

  it("Skynet-Api-Key comes from the environment and goes with every request", async () => {
    Object.assign(state, { critical: true, extended: true, corrupt: false });
    const r = await runProbe(defineMonitor({ ...spec(), api_key: { env: "SKYNET_KEY" } }), { env: { SKYNET_KEY: "portal-api-key-1" } });
    expect(r.status).toBe("up");
    expect(lastApiKey).toBe("portal-api-key-1");
  });

  it("content that does not match its hash is down", async () => {
    Object.assign(state, { critical: true, extended: true, corrupt: true });
    expect(await runProbe(defineMonitor(spec()))).toMatchObject({
      status: "down",
      errorClass: "integrity",
      error: "download: content does not match its sha256",
    });
  });

  it("the optional upload round trip writes a tiny file and reads it back", async () => {
    Object.assign(state, { critical: true, extended: true, corrupt: false });
    const r = await runProbe(defineMonitor({ kind: "skynet", url: portal.url, upload: true }));
    expect(r.error).toBeUndefined();
    expect(r.status).toBe("up");
    expect(uploads.size).toBe(1);
    expect((r.details.steps as Array<{ name: string }>).map((s) => s.name)).toEqual([
      "health",
      "health-extended",
      "upload",
      "upload-download",
    ]);
  });
});

describe("ipfs probe against a loopback trustless gateway", () => {
  const block = Buffer.from("an OpenRegistry layer pinned on IPFS");
  let cid: string;
  const state = { mode: "ok" as "ok" | "wrong" | "504" | "html" | "broken" };
  let gateway: Awaited<ReturnType<typeof startHttp>>;
  let lastAccept = "";

  beforeAll(async () => {
    cid = CID.create(1, raw.code, await sha256.digest(block)).toString();
    gateway = await startHttp((req, res) => {
      lastAccept = String(req.headers.accept);
      const url = new URL(req.url!, "http://x");
      const requested = url.pathname.replace(/^\/ipfs\//, "");
      if (state.mode === "504") {
        res.writeHead(504);
        return res.end();
      }
      if (requested === "bafkqaaa") {
        res.writeHead(state.mode === "broken" ? 404 : 200, { "content-type": "application/vnd.ipld.raw" });
        return res.end();
      }
      if (state.mode === "html") {
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<html>gateway landing page</html>");
      }
      if (requested !== cid || url.searchParams.get("format") !== "raw") {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200, { "content-type": "application/vnd.ipld.raw" });
      res.end(state.mode === "wrong" ? Buffer.from("other bytes") : block);
    });
  });
  afterAll(async () => gateway.close());

  it("healthy: the block hashes to its CID; the empty identity CID works too", async () => {
    state.mode = "ok";
    expect((await runProbe(defineMonitor({ kind: "ipfs", gateway: gateway.url, cid }))).status).toBe("up");
    expect(lastAccept).toBe("application/vnd.ipld.raw");
    expect((await runProbe(defineMonitor({ kind: "ipfs", gateway: gateway.url }))).status).toBe("up");
  });

  it("the CID may come from the environment: unset, the monitor waits for configuration; set, it is fetched and verified", async () => {
    state.mode = "ok";
    const spec = { kind: "ipfs", gateway: gateway.url, cid: { env: "CANARY_LAYER_CID" } };
    const config = stringify({ monitors: [{ slug: "layer", name: "Layer", ...spec }] });
    expect(parseConfig(config, "ipfs.yaml", {}).monitors[0].disabledReason).toBe("waiting for configuration: set CANARY_LAYER_CID");
    const def = parseConfig(config, "ipfs.yaml", { CANARY_LAYER_CID: cid }).monitors[0];
    expect(def.disabledReason).toBeUndefined();
    const r = await runProbe(def, { env: { CANARY_LAYER_CID: ` ${cid}\n` } });
    expect(r).toMatchObject({ status: "up", details: { bytes: block.length } });
    // The CID is not a secret: a failure names it.
    const bad = await runProbe(def, { env: { CANARY_LAYER_CID: "not-a-cid" } });
    expect(bad).toMatchObject({ status: "down", errorClass: "config" });
    expect(bad.error).toMatch(/^cid from CANARY_LAYER_CID is not a valid CID \("not-a-cid"\): /);
  });

  it("wrong bytes are down", async () => {
    state.mode = "wrong";
    expect(await runProbe(defineMonitor({ kind: "ipfs", gateway: gateway.url, cid }))).toMatchObject({
      status: "down",
      errorClass: "integrity",
    });
  });

  it("a 504 from the gateway is degraded; a missing block is down", async () => {
    state.mode = "504";
    expect(await runProbe(defineMonitor({ kind: "ipfs", gateway: gateway.url, cid }))).toMatchObject({
      status: "degraded",
      error: "gateway answered 504: it could not fetch the block",
    });
    state.mode = "ok";
    const missing = CID.create(1, raw.code, await sha256.digest(Buffer.from("nobody has this"))).toString();
    expect(await runProbe(defineMonitor({ kind: "ipfs", gateway: gateway.url, cid: missing }))).toMatchObject({
      status: "down",
      error: "gateway does not have the block (404; the gateway itself works: it serves the empty identity CID)",
      details: { gatewayAnswersIdentityCid: true },
    });
    state.mode = "broken";
    expect(await runProbe(defineMonitor({ kind: "ipfs", gateway: gateway.url, cid: missing }))).toMatchObject({
      status: "down",
      error: "gateway broken: 404 for the block and 404 for the empty identity CID",
    });
    expect(await runProbe(defineMonitor({ kind: "ipfs", gateway: gateway.url }))).toMatchObject({
      status: "down",
      error: "gateway broken: 404 for the empty identity CID, which needs no retrieval",
    });
    state.mode = "ok";
  });

  it("a 200 that is not a trustless answer (an HTML page) is down, named by its Content-Type", async () => {
    state.mode = "html";
    const r = await runProbe(defineMonitor({ kind: "ipfs", gateway: gateway.url, cid }));
    state.mode = "ok";
    expect(r).toMatchObject({
      status: "down",
      errorClass: "protocol",
      error: "gateway answered 200 with Content-Type text/html, not application/vnd.ipld.raw: not a trustless answer",
    });
  });
});

describe("s3 probe against s3rver (a real S3-compatible server)", () => {
  let server: S3rver;
  let endpoint: string;
  let dir: string;
  const object = Buffer.from("registry canary object");
  // s3rver checks the access key id but not SigV4 signatures (tests/unit/sigv4.test.ts checks
  // the signer against AWS's documented example), so "bad credentials" here is an unknown key.
  const env = { S3_KEY: "S3RVER", S3_SECRET: "S3RVER", S3_BAD_KEY: "AKIANOTAREALKEY" };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "s3rver-"));
    server = new S3rver({
      port: 0,
      address: "127.0.0.1",
      silent: true,
      directory: dir,
      configureBuckets: [{ name: "openregistry", configs: [] }],
    });
    const addr = await server.run();
    endpoint = `http://127.0.0.1:${addr.port}`;
    const put = await fetch(`${endpoint}/openregistry/canary/object.txt`, {
      method: "PUT",
      body: new Uint8Array(object),
      headers: { "x-amz-meta-cid": "bafkreicanary" },
    });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (extra: Record<string, unknown> = {}) => ({
    kind: "s3",
    endpoint,
    bucket: "openregistry",
    key: "canary/object.txt",
    access_key_id: { env: "S3_KEY" },
    secret_access_key: { env: "S3_SECRET" },
    ...extra,
  });

  it("good credentials: signed HEAD and GET with a checksum", async () => {
    const r = await runProbe(
      defineMonitor(spec({ get: true, expect_sha256: createHash("sha256").update(object).digest("hex"), expect_cid: "bafkreicanary" })),
      { env },
    );
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ status: "up", details: { bytes: object.length, cid: "bafkreicanary" } });
  });

  it("bad credentials are down with class auth", async () => {
    const r = await runProbe(defineMonitor(spec({ access_key_id: { env: "S3_BAD_KEY" } })), { env });
    expect(r).toMatchObject({ status: "down", errorClass: "auth", error: "head: 403 InvalidAccessKeyId" });
  });

  it("a missing key is down with NoSuchKey", async () => {
    const r = await runProbe(defineMonitor(spec({ key: "canary/missing.txt" })), { env });
    expect(r).toMatchObject({ status: "down", errorClass: "http_status", error: "head: 404 NoSuchKey" });
  });

  it("a checksum mismatch is down with class integrity", async () => {
    const r = await runProbe(defineMonitor(spec({ get: true, expect_sha256: "0".repeat(64) })), { env });
    expect(r).toMatchObject({ status: "down", errorClass: "integrity" });
  });
});
