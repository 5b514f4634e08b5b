// What happens to the rest of an upload the app refused with 413 (monitors/api/request-body.ts
// stops reading at the route's limit). Node would read and drop the rest to reuse the connection,
// for as long as the client keeps sending; closing at once instead makes the client's TCP stack
// reset the connection while it is still sending, and a reset can destroy the 413 before the
// client reads it. So, like other web servers' "lingering close": the rest is dropped for a
// moment, then the connection is cut. An endless upload costs LINGER_MS, not its length.
export const LINGER_MS = 2000;

// `keepsPrefix`: a route that keeps the start of a body and answers without the rest (a heartbeat
// ping's message, monitors/heartbeat/ping-body.ts) is treated the same whatever its status.
export function cutRefusedUploads(req, res, { keepsPrefix = false } = {}) {
  // Taken now: Node detaches the socket from the request once the answer is sent.
  const socket = req.socket;
  res.on("finish", () => {
    if ((res.statusCode !== 413 && !keepsPrefix) || req.complete) return;
    req.resume(); // drop, never keep
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}
