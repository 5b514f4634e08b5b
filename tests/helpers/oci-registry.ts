import { spawn, type ChildProcess } from "node:child_process";
import { createHash, createPrivateKey, randomUUID, sign, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { freePort } from "./web-process";
import { validCert } from "./certs";

export type RegistryAuth = "none" | "htpasswd" | "token";

export const USER = "status-prober";
export const PASSWORD = "s3cret-pass";
const SERVICE = "test-registry";
const ISSUER = "test-token-issuer";

export interface TestRegistry {
  url: string;
  process: ChildProcess;
  tokenServer?: { url: string; server: Server; issued: number; onIssue?: () => void };
  /** Where the filesystem driver keeps blobs: tests remove one behind the registry's back. */
  blobPath: (digest: string) => string;
  /** Authorization header that may push (used by the harness, never by the probe). */
  pushAuth: (repo: string) => Promise<Record<string, string>>;
  stop: () => Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** A token server as distribution's token auth expects: ES256 JWTs whose x5c header chains to rootcertbundle. */
async function startTokenServer(key: string, certPem: string) {
  const der = new X509Certificate(certPem).raw;
  const privateKey = createPrivateKey(key);
  const state = { issued: 0, onIssue: undefined as undefined | (() => void) };
  const server = createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    const auth = req.headers.authorization;
    let user = "";
    if (auth) {
      const [u, p] = Buffer.from(auth.replace(/^Basic /, ""), "base64")
        .toString()
        .split(":");
      if (u !== USER || p !== PASSWORD) {
        res.writeHead(401, { "content-type": "application/json" });
        return res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
      }
      user = u;
    }
    const scope = url.searchParams.get("scope") ?? "";
    const [, name, actions] = scope.split(":");
    // Anonymous callers may pull; the account may also push and delete.
    const granted = (actions ?? "").split(",").filter((a) => a === "pull" || (user && (a === "push" || a === "delete")));
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "ES256", typ: "JWT", x5c: [der.toString("base64")] };
    const claims = {
      iss: ISSUER,
      sub: user,
      aud: url.searchParams.get("service"),
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: name ? [{ type: "repository", name, actions: granted }] : [],
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" });
    state.issued++;
    state.onIssue?.();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ token: `${input}.${b64url(signature)}`, expires_in: 300 }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const ts = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    get issued() {
      return state.issued;
    },
    set onIssue(f: (() => void) | undefined) {
      state.onIssue = f;
    },
  };
  return ts;
}

/** Starts Debian's docker-registry (distribution 2.8) on a loopback port with a config of its own. */
export async function startRegistry(
  auth: RegistryAuth,
  opts: { blobDescriptorCache?: boolean; deletes?: boolean } = {},
): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "registry-"));
  const port = await freePort();
  let authConfig = "";
  let tokenServer: Awaited<ReturnType<typeof startTokenServer>> | undefined;
  if (auth === "htpasswd") {
    writeFileSync(join(dir, "htpasswd"), `${USER}:${bcrypt.hashSync(PASSWORD, 8)}\n`);
    authConfig = `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${join(dir, "htpasswd")}\n`;
  } else if (auth === "token") {
    const cert = validCert(30, "subjectAltName=DNS:token-issuer");
    writeFileSync(join(dir, "token-ca.pem"), cert.cert);
    tokenServer = await startTokenServer(cert.key, cert.cert);
    authConfig = `auth:\n  token:\n    realm: ${tokenServer.url}/token\n    service: ${SERVICE}\n    issuer: ${ISSUER}\n    rootcertbundle: ${join(dir, "token-ca.pem")}\n`;
  }
  writeFileSync(
    join(dir, "config.yml"),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n  delete:\n    enabled: ${opts.deletes ?? true}\n${opts.blobDescriptorCache ? "  cache:\n    blobdescriptor: inmemory\n" : ""}http:\n  addr: 127.0.0.1:${port}\n${authConfig}`,
  );
  const child = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    try {
      const r = await fetch(`${url}/v2/`);
      if (r.status === 200 || r.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const basic = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}` };
  return {
    url,
    process: child,
    tokenServer,
    blobPath: (digest) => {
      const [algorithm, hex] = digest.split(":");
      return join(dir, "data", "docker", "registry", "v2", "blobs", algorithm, hex.slice(0, 2), hex, "data");
    },
    pushAuth: async (repo) => {
      if (auth === "none") return {};
      if (auth === "htpasswd") return basic;
      const r = await fetch(`${tokenServer!.url}/token?service=${SERVICE}&scope=repository:${repo}:pull,push`, { headers: basic });
      return { authorization: `Bearer ${((await r.json()) as { token: string }).token}` };
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      tokenServer?.server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sha256Digest = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export const sha512Digest = (b: Buffer) => `sha512:${createHash("sha512").update(b).digest("hex")}`;

async function uploadBlob(
  registry: string,
  repo: string,
  bytes: Buffer,
  headers: Record<string, string>,
  algorithm: "sha256" | "sha512" = "sha256",
): Promise<string> {
  const digest = algorithm === "sha512" ? sha512Digest(bytes) : sha256Digest(bytes);
  const start = await fetch(`${registry}/v2/${repo}/blobs/uploads/`, { method: "POST", headers });
  if (start.status !== 202) throw new Error(`blob upload start: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get("location")!, registry);
  location.searchParams.set("digest", digest);
  const put = await fetch(location, {
    method: "PUT",
    headers: { ...headers, "content-type": "application/octet-stream" },
    body: new Uint8Array(bytes),
  });
  if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
  return digest;
}

export interface PushedImage {
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
  config: Buffer;
  layer: Buffer;
}

/** Pushes a small OCI image (one layer, one config) through the registry's HTTP API. */
export async function pushImage(
  reg: TestRegistry,
  repo: string,
  tag: string,
  arch = "amd64",
  configAlgorithm: "sha256" | "sha512" = "sha256",
): Promise<PushedImage> {
  const headers = await reg.pushAuth(repo);
  const layer = Buffer.from(`layer for ${repo}:${tag} ${arch} ${"x".repeat(2000)}`);
  const config = Buffer.from(
    JSON.stringify({ architecture: arch, os: "linux", rootfs: { type: "layers", diff_ids: [sha256Digest(layer)] } }),
  );
  const layerDigest = await uploadBlob(reg.url, repo, layer, headers);
  const configDigest = await uploadBlob(reg.url, repo, config, headers, configAlgorithm);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layerDigest, size: layer.length }],
    }),
  );
  const put = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, {
    method: "PUT",
    headers: { ...headers, "content-type": "application/vnd.oci.image.manifest.v1+json" },
    body: new Uint8Array(manifest),
  });
  if (put.status !== 201) throw new Error(`manifest put: ${put.status} ${await put.text()}`);
  return { manifestDigest: sha256Digest(manifest), configDigest, layerDigest, config, layer };
}

/** Pushes an OCI index over two platform images. */
export async function pushIndex(
  reg: TestRegistry,
  repo: string,
  tag: string,
  listType = "application/vnd.oci.image.index.v1+json",
): Promise<{ indexDigest: string; amd64: PushedImage; arm64: PushedImage }> {
  const amd64 = await pushImage(reg, repo, `${tag}-amd64`, "amd64");
  const arm64 = await pushImage(reg, repo, `${tag}-arm64`, "arm64");
  const headers = await reg.pushAuth(repo);
  const entry = (img: PushedImage, architecture: string, size: number) => ({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    digest: img.manifestDigest,
    size,
    platform: { os: "linux", architecture },
  });
  const sizeOf = async (d: string) =>
    Number(
      (
        await fetch(`${reg.url}/v2/${repo}/manifests/${d}`, {
          method: "HEAD",
          headers: { ...headers, accept: "application/vnd.oci.image.manifest.v1+json" },
        })
      ).headers.get("content-length"),
    );
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: listType,
      manifests: [entry(amd64, "amd64", await sizeOf(amd64.manifestDigest)), entry(arm64, "arm64", await sizeOf(arm64.manifestDigest))],
    }),
  );
  const put = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, {
    method: "PUT",
    headers: { ...headers, "content-type": listType },
    body: new Uint8Array(index),
  });
  if (put.status !== 201) throw new Error(`index put: ${put.status} ${await put.text()}`);
  return { indexDigest: sha256Digest(index), amd64, arm64 };
}

export async function deleteBlob(reg: TestRegistry, repo: string, digest: string): Promise<void> {
  const r = await fetch(`${reg.url}/v2/${repo}/blobs/${digest}`, { method: "DELETE", headers: await reg.pushAuth(repo) });
  if (r.status !== 202) throw new Error(`blob delete: ${r.status} ${await r.text()}`);
}
