import { createServer, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback front for a real registry that passes bodies through untouched and lets a test
 * rewrite the answer's headers (a wrong Docker-Content-Digest on GET, a HEAD Content-Length
 * that is not the body's, a Content-Type that is not the manifest's mediaType).
 */
export async function startHeaderTamperingFront(registryUrl: string) {
  const target = new URL(registryUrl);
  const state: { tamper?: (method: string, path: string, headers: OutgoingHttpHeaders) => void } = {};
  const front = createServer((req, res) => {
    // X-Forwarded-Host: distribution then names the front in its upload Locations, so a push stays on it.
    const headers: IncomingHttpHeaders = { ...req.headers, host: target.host, "x-forwarded-host": req.headers.host };
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (r) => {
      const out: OutgoingHttpHeaders = { ...r.headers };
      state.tamper?.(req.method!, new URL(req.url!, "http://x").pathname, out);
      res.writeHead(r.statusCode!, out);
      r.pipe(res);
    });
    up.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`, state, stop: () => front.close() };
}
