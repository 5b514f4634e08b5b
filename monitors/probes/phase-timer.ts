import { performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import type { TLSSocket, PeerCertificate } from "node:tls";
import { buildConnector } from "undici";

/**
 * Measures connection phases from socket events. undici's fetch leaves resource
 * timing empty, so the connector itself is wrapped to see lookup/connect/secureConnect.
 */
export class PhaseTimer {
  readonly startedAt = performance.now();
  connStart?: number;
  dnsEnd?: number;
  connectEnd?: number;
  tlsEnd?: number;
  headersAt?: number;
  requestSentAt?: number;
  certificate?: PeerCertificate;

  now(): number {
    return performance.now();
  }

  watch(socket: Socket, secure: boolean): void {
    this.connStart = performance.now();
    this.dnsEnd = this.connectEnd = this.tlsEnd = undefined;
    socket.once("lookup", () => (this.dnsEnd = performance.now()));
    socket.once("connect", () => {
      this.connectEnd = performance.now();
      this.dnsEnd ??= this.connStart;
    });
    if (secure) {
      socket.once("secureConnect", () => {
        this.tlsEnd = performance.now();
        const cert = (socket as TLSSocket).getPeerCertificate?.();
        if (cert && Object.keys(cert).length) this.certificate = cert;
      });
    }
  }

  phases() {
    const r = (a?: number, b?: number) => (a !== undefined && b !== undefined ? Math.max(0, b - a) : undefined);
    const ready = this.tlsEnd ?? this.connectEnd;
    return {
      dnsMs: r(this.connStart, this.dnsEnd),
      connectMs: r(this.dnsEnd, this.connectEnd),
      tlsMs: r(this.connectEnd, this.tlsEnd),
      firstByteMs: r(
        ready !== undefined && this.requestSentAt !== undefined ? Math.max(ready, this.requestSentAt) : (ready ?? this.requestSentAt),
        this.headersAt,
      ),
      totalMs: performance.now() - this.startedAt,
    };
  }
}

/** An undici connector that reports every new socket (to a PhaseTimer's watch, usually). */
export function timedConnector(
  onSocket: (socket: Socket, secure: boolean) => void,
  tls: { rejectUnauthorized: boolean; ca?: string | Buffer },
  timeoutMs: number,
) {
  const connect = buildConnector({ rejectUnauthorized: tls.rejectUnauthorized, ca: tls.ca, timeout: timeoutMs });
  return (opts: buildConnector.Options, cb: buildConnector.Callback) => {
    const socket = connect(opts, cb) as unknown as Socket | undefined;
    if (socket) onSocket(socket, opts.protocol === "https:");
  };
}
