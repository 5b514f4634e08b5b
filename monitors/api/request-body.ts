/**
 * Reads a request body up to a byte limit and stops there. `req.text()` would read all of it
 * first (a 600 MB chunked POST did, holding the memory), so a Content-Length over the limit is
 * refused before reading, and a chunked body is read chunk by chunk and abandoned at the limit.
 */
export const TOO_LARGE = Symbol("request body too large");

export async function readBodyText(req: Request, maxBytes: number): Promise<string | typeof TOO_LARGE> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (!req.body) return declared > maxBytes ? TOO_LARGE : "";
  const reader = req.body.getReader();
  if (declared > maxBytes) {
    stopReading(reader);
    return TOO_LARGE;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      stopReading(reader);
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Nothing past the limit is kept. Cancelling tells the stream we want no more; the web process
 * (scripts/refused-upload.mjs) drops what still arrives for a moment after the 413 and then cuts
 * the connection, so an endless upload is not read to its end.
 */
function stopReading(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  void reader.cancel().catch(() => {});
}

export function tooLargeResponse(maxBytes: number): Response {
  return Response.json(
    { error: `request too large: at most ${Math.round(maxBytes / 1024)} KiB` },
    { status: 413, headers: { "cache-control": "no-store" } },
  );
}
