/**
 * The peer sent a status and headers, then closed before the body was complete (a registry
 * whose blob-descriptor cache still lists a deleted blob answers 200 with a Content-Length and
 * sends nothing). The server did answer, so this is a protocol failure, not a connection failure.
 */
export class BodyCutShortError extends Error {
  readonly code = "BODY_CUT_SHORT";

  constructor(
    readonly status: number,
    readonly expectedBytes: number | undefined,
    readonly receivedBytes: number,
    cause: unknown,
  ) {
    super(
      `answered ${status}${expectedBytes !== undefined ? ` with Content-Length ${expectedBytes}` : ""}, then closed after ${receivedBytes} byte${receivedBytes === 1 ? "" : "s"} of the body`,
      { cause },
    );
    this.name = "BodyCutShortError";
  }
}
