import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A webhook receiver that takes `delayMs` to answer each delivery, as a slow chat service or
 * paging tool does, and counts deliveries by their `x-status-delivery` id (stable across retries).
 */
export async function startWebhookReceiver(
  delayMs: number,
): Promise<{ url: string; deliveries: () => Map<string, number>; close: () => Promise<void> }> {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = String(req.headers["x-status-delivery"] ?? "");
      setTimeout(() => {
        counts.set(id, (counts.get(id) ?? 0) + 1);
        res.end("ok");
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries: () => new Map(counts),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
