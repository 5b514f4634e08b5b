/**
 * Reads at most `maxBytes` of a request body, chunk by chunk, and stops reading there (like
 * api/request-body.ts, which refuses a body past its limit; a ping keeps the start of it instead).
 * The cut may fall inside a UTF-8 character, which then decodes as U+FFFD.
 */
export async function readBodyPrefix(req: Request, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (!req.body) return { text: "", truncated: false };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      truncated = true;
      // Nothing past the limit is read; the web server drops the rest and closes (scripts/refused-upload.mjs).
      void reader.cancel().catch(() => {});
      break;
    }
    size += value.byteLength;
    chunks.push(value);
  }
  // NUL cannot be stored in a PostgreSQL text column, and no log message needs one.
  return { text: Buffer.concat(chunks).toString("utf8").replaceAll("\u0000", ""), truncated };
}
