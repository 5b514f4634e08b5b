import type { Readable } from "node:stream";

/**
 * Reads at most `cap` bytes of a body, then drops the connection: an endless or huge body costs only the cap.
 * `progress.size` counts the bytes read so far, so a caller can say how much arrived before a body was cut short.
 */
export async function readCapped(
  body: Readable,
  cap: number,
  progress: { size: number } = { size: 0 },
): Promise<{ bytes: Buffer; truncated: boolean; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    progress.size += chunk.length;
    const room = cap - size;
    if (chunk.length >= room) {
      if (room > 0) chunks.push(chunk.subarray(0, room));
      size = cap;
      truncated = chunk.length > room;
      if (truncated) break;
      continue;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  if (truncated) {
    // Dropping the rest aborts the request; that abort is expected, not an error to surface.
    body.on("error", () => {});
    body.destroy();
  }
  return { bytes: Buffer.concat(chunks, size), truncated, size };
}

/** Strict UTF-8 decoding; a body cut at the cap may end mid-character, which is not an error. */
export function decodeUtf8(bytes: Buffer, truncated: boolean): { text: string; valid: boolean } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: truncated }), valid: true };
  } catch {
    return { text: bytes.toString("utf8"), valid: false };
  }
}
