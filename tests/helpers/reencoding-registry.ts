import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

type Descriptor = {
  mediaType?: string;
  digest?: string;
  size?: number;
  urls?: unknown;
  annotations?: unknown;
  data?: unknown;
  platform?: unknown;
  artifactType?: unknown;
};

/** A descriptor in the field order of Go's image-spec v1.Descriptor struct, empty fields left out (omitempty). */
function goDescriptor(d: Descriptor | null | undefined) {
  if (!d) return null;
  const out: Record<string, unknown> = { mediaType: d.mediaType ?? "", digest: d.digest ?? "", size: d.size ?? 0 };
  for (const k of ["urls", "annotations", "data", "platform", "artifactType"] as const)
    if (d[k] !== undefined && d[k] !== "") out[k] = d[k];
  return out;
}

/**
 * What OpenRegistry's GET /v2/<name>/manifests/<ref> sends (store/v1/types/registry.go,
 * ImageManifest.ToOCISubject at containerish/OpenRegistry ffa19b2): a Go map of config,
 * mediaType, layers and schemaVersion (plus artifactType and subject when set), marshalled with
 * sorted keys and tab indentation. An index keeps no `manifests` list.
 */
export function reencodeLikeOpenRegistry(pushed: Buffer): Buffer {
  const doc = JSON.parse(pushed.toString("utf8")) as {
    config?: Descriptor;
    layers?: Descriptor[] | null;
    mediaType?: string;
    schemaVersion?: number;
    artifactType?: string;
    subject?: Descriptor;
  };
  const map: Record<string, unknown> = {
    config: goDescriptor(doc.config),
    mediaType: doc.mediaType ?? "",
    layers: doc.layers ? doc.layers.map(goDescriptor) : null,
    schemaVersion: doc.schemaVersion ?? 0,
  };
  if (doc.artifactType) map.artifactType = doc.artifactType;
  if (doc.subject) map.subject = goDescriptor(doc.subject);
  const sorted = Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, map[k]]),
  );
  return Buffer.from(JSON.stringify(sorted, null, "\t"));
}

async function readAll(r: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A loopback front for a real registry that answers manifest requests the way OpenRegistry
 * does at its head: GET re-encodes the body but keeps the pushed bytes' Docker-Content-Digest;
 * HEAD always says Content-Type: OCI image manifest (registry/v2/registry.go, ManifestExists).
 */
export async function startReencodingFront(registryUrl: string) {
  const target = new URL(registryUrl);
  const front = createServer((req, res) => {
    const isManifest = /^\/v2\/.+\/manifests\/[^/]+$/.test(new URL(req.url!, "http://x").pathname);
    // X-Forwarded-Host: distribution then names the front in its upload Locations, so a push stays on it.
    const headers: IncomingHttpHeaders = { ...req.headers, host: target.host, "x-forwarded-host": req.headers.host };
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, async (r) => {
      if (!isManifest || r.statusCode !== 200 || (req.method !== "GET" && req.method !== "HEAD")) {
        res.writeHead(r.statusCode!, r.headers);
        return r.pipe(res);
      }
      const out = { ...r.headers };
      if (req.method === "HEAD") {
        r.resume();
        out["content-type"] = OCI_MANIFEST;
        res.writeHead(200, out);
        return res.end();
      }
      const body = reencodeLikeOpenRegistry(await readAll(r));
      out["content-length"] = String(body.length);
      res.writeHead(200, out);
      res.end(body);
    });
    up.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`, stop: () => front.close() };
}
