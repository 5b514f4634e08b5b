// Misbehaving targets on 127.0.0.1 for fault tests: each server tracks its sockets, so close()
// ends every connection and timer it started, whatever state the client left it in.
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createGzip } from "node:zlib";
import { readFileSync } from "node:fs";
import type { TestCert } from "./certs";

export interface FaultServer {
  port: number;
  /** Connections accepted so far. */
  connections: () => number;
  /** Connections open now. */
  open: () => number;
  close: () => Promise<void>;
}

async function listen(server: NetServer | HttpServer): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

function tracked(server: NetServer | HttpServer): { connections: () => number; open: () => number; destroyAll: () => void } {
  const sockets = new Set<Socket>();
  let total = 0;
  server.on("connection", (s: Socket) => {
    total++;
    sockets.add(s);
    // A client that drops the connection must not surface as an uncaught socket error here.
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  return {
    connections: () => total,
    open: () => sockets.size,
    destroyAll: () => {
      for (const s of sockets) s.destroy();
    },
  };
}

/**
 * A raw TCP server: `onRequest` runs once per connection, after the first bytes of the request
 * arrive (pass `waitForRequest: false` to run it on accept). Timers it starts must be cleared on
 * the socket's "close", which close() triggers for every socket.
 */
export async function startRawServer(
  onRequest: (socket: Socket) => void,
  opts: { waitForRequest?: boolean; maxConnections?: number } = {},
): Promise<FaultServer> {
  const server = createNetServer((socket) => {
    if (opts.waitForRequest === false) onRequest(socket);
    else socket.once("data", () => onRequest(socket));
  });
  if (opts.maxConnections) server.maxConnections = opts.maxConnections;
  const t = tracked(server);
  const port = await listen(server);
  return { port, connections: t.connections, open: t.open, close: () => closeServer(server, t.destroyAll) };
}

/** An HTTP (or, given a certificate, HTTPS) server whose sockets are all ended on close(). */
export async function startFaultHttp(handler: (req: IncomingMessage, res: ServerResponse) => void, cert?: TestCert): Promise<FaultServer> {
  const server: HttpServer = cert ? (createHttpsServer(cert, handler) as unknown as HttpServer) : createHttpServer(handler);
  // An HTTPS server emits its raw TCP sockets on "connection" too, so tracking covers both.
  const t = tracked(server);
  server.on("tlsClientError", () => {});
  const port = await listen(server);
  return { port, connections: t.connections, open: t.open, close: () => closeServer(server, t.destroyAll) };
}

function closeServer(server: NetServer | HttpServer, destroyAll: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    destroyAll();
  });
}

/**
 * Accepts and never answers: every connection stays open until the client gives up or close().
 * It reads and drops what the client sends, so it sees the client hang up and open() counts only
 * connections a client still holds.
 */
export function startBlackHole(maxConnections = 20_000): Promise<FaultServer> {
  return startRawServer((s) => void s.resume(), { waitForRequest: false, maxConnections });
}

/** Writes the next piece from `next()` every `everyMs` until the socket closes (a trickle, or slowloris headers). */
export function trickle(socket: Socket, next: () => string, everyMs: number): void {
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(next());
  }, everyMs);
  socket.on("close", () => clearInterval(timer));
}

/**
 * Streams `total` bytes of `chunk` repeated, with backpressure, and stops as soon as the client
 * goes away. Reports the bytes handed to the socket for each response when it closes.
 */
export function streamRepeated(res: ServerResponse, chunk: Buffer, total: number, onDone: (sent: number) => void): void {
  let sent = 0;
  let closed = false;
  const pump = () => {
    while (!closed && sent < total) {
      const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
      sent += piece.length;
      if (!res.write(piece)) return;
    }
    if (!closed && sent >= total) res.end();
  };
  res.on("drain", pump);
  res.on("close", () => {
    closed = true;
    res.removeListener("drain", pump);
    onDone(sent);
  });
  pump();
}

/** gzip of `inflatedBytes` zeros, compressed as a stream from one reused 1 MiB buffer (never held whole). */
export async function gzipOfZeros(inflatedBytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on("data", (d: Buffer) => out.push(d));
  const done = new Promise<void>((resolve, reject) => {
    gzip.on("end", resolve);
    gzip.on("error", reject);
  });
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = inflatedBytes; left > 0; left -= zeros.length) {
    if (!gzip.write(left >= zeros.length ? zeros : zeros.subarray(0, left))) await new Promise((r) => gzip.once("drain", r));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

/** Resident memory of a process in bytes, from /proc (Linux). Undefined once the process is gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time a process has used and time it spent runnable but waiting for a CPU, in ms, from
 * /proc/<pid>/schedstat (Linux; main thread). The second one tells a busy agent from a crowded machine.
 */
export function schedOf(pid: number): { cpuMs: number; waitMs: number } | undefined {
  try {
    const [cpu, wait] = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(/\s+/).map(Number);
    return { cpuMs: cpu / 1e6, waitMs: wait / 1e6 };
  } catch {
    return undefined;
  }
}
