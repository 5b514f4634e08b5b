import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback front for a registry that sends blob GETs to a second "storage" server with a
 * 307, the way OpenRegistry sends them to Filebase or Skynet. Distribution itself never
 * redirects to another host, hence this front.
 */
export async function startRedirectingFront(registryUrl: string, blobs: Map<string, Buffer>) {
  const state = { corrupt: false, storageSawAuthorization: false, storageRequests: 0 };
  const storage = createServer((req, res) => {
    state.storageRequests++;
    if (req.headers.authorization) state.storageSawAuthorization = true;
    const digest = new URL(req.url!, "http://x").pathname.split("/").pop()!;
    const bytes = blobs.get(digest);
    if (!bytes) {
      res.writeHead(404);
      return res.end();
    }
    const body = Buffer.from(bytes);
    if (state.corrupt) body[0] ^= 0xff;
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((r) => storage.listen(0, "127.0.0.1", r));
  const storageUrl = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;
  const target = new URL(registryUrl);
  const front = createServer((req, res) => {
    const m = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/.exec(new URL(req.url!, "http://x").pathname);
    if ((req.method === "GET" || req.method === "HEAD") && m) {
      res.writeHead(307, { location: `${storageUrl}/presigned/${m[2]}?X-Amz-Signature=test` });
      return res.end();
    }
    const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    up.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    storageUrl,
    state,
    stop: () => {
      front.close();
      storage.close();
    },
  };
}
