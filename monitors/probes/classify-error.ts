import { BodyCutShortError } from "./body-cut-short";
import type { ErrorClass } from "../core/probe-result";
import { STORED_ERROR_CHARS } from "../core/error-text";

const DNS_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "ESERVFAIL",
  "ENODATA",
  "EREFUSED",
  "EBADRESP",
  "ECONNREFUSED_DNS",
]);
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "EADDRNOTAVAIL",
]);
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "ABORT_ERR", "ETIMEOUT"]);

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: unknown };
  if (typeof e?.code === "string") return e.code;
  if (e?.cause) return codeOf(e.cause);
  return undefined;
}

/** Maps a thrown network error to a result class and a short message that names the reason. */
export function classifyError(err: unknown, timedOut: boolean): { errorClass: ErrorClass; error: string } {
  const code = codeOf(err);
  const message = (err as Error)?.message ?? String(err);
  if (timedOut || (err as Error)?.name === "AbortError" || (code && TIMEOUT_CODES.has(code))) {
    return { errorClass: "timeout", error: "timeout" };
  }
  if (err instanceof BodyCutShortError) return { errorClass: "protocol", error: `body cut short: ${err.message}` };
  if (code && DNS_CODES.has(code)) return { errorClass: "dns", error: `DNS ${code === "ENOTFOUND" ? "NXDOMAIN (name not found)" : code}` };
  if (
    code &&
    (code.startsWith("CERT_") ||
      code.startsWith("ERR_TLS") ||
      code.startsWith("ERR_SSL") ||
      code.includes("SELF_SIGNED") ||
      code.startsWith("UNABLE_TO_") ||
      code === "HOSTNAME_MISMATCH" ||
      code === "DEPTH_ZERO_SELF_SIGNED_CERT")
  ) {
    return { errorClass: "tls", error: `TLS ${code}: ${message}`.slice(0, STORED_ERROR_CHARS) };
  }
  if (code && CONNECT_CODES.has(code)) return { errorClass: "connect", error: `${code}: ${message}`.slice(0, STORED_ERROR_CHARS) };
  if (code?.startsWith("HPE_") || code === "UND_ERR_INVALID_ARG" || code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH") {
    return { errorClass: "protocol", error: `invalid HTTP response (${code})` };
  }
  return { errorClass: "connect", error: (code ? `${code}: ${message}` : message).slice(0, STORED_ERROR_CHARS) };
}
