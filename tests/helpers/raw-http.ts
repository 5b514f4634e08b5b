import { Agent, request } from "node:http";

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * GETs a request target exactly as given (no WHATWG URL normalisation, unlike fetch): raw `<`,
 * `"`, `..%2f`, `%00` and malformed percent-escapes reach the server as written. The target may
 * only hold characters 0x21-0x7e (encode the rest first). Redirects are not followed. Answers
 * may carry headers up to 1 MB (a redirect echoes a long query in Location; browsers take that).
 */
export function rawGet(baseUrl: string, target: string, headers: Record<string, string> = {}, timeoutMs = 15_000): Promise<RawAnswer> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, path: target, method: "GET", headers, agent, timeout: timeoutMs, maxHeaderSize: 1024 * 1024 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET ${target.slice(0, 200)} timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** Closes the kept-alive sockets (call in afterAll so the worker can exit). */
export function closeRawHttp(): void {
  agent.destroy();
}

/**
 * Percent-encodes what an HTTP request line cannot carry (controls, space, non-ASCII, as UTF-8)
 * and the characters that would end the path (`?`, `#`), but leaves markup characters such as
 * `<`, `>`, `"` and `'` raw, as a hand-written client could send them. `%` is encoded too unless
 * `keepPercent` is set, so the result holds only well-formed escapes unless asked otherwise.
 */
export function looseEncode(s: string, opts: { keepPercent?: boolean; keepSlash?: boolean } = {}): string {
  let out = "";
  for (const ch of wellFormed(s)) {
    const code = ch.codePointAt(0)!;
    const keep =
      code >= 0x21 && code <= 0x7e && ch !== "?" && ch !== "#" && (ch !== "%" || opts.keepPercent) && (ch !== "/" || opts.keepSlash);
    out += keep ? ch : encodeURIComponent(ch);
  }
  return out;
}

/** Lone surrogates become U+FFFD, so the string has a UTF-8 form (encodeURIComponent throws otherwise). */
export function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}
