/**
 * Skylinks come in two spellings of the same 34 bytes: 46 base64url characters, and 55
 * characters of lowercase base32 with the RFC 4648 "extended hex" alphabet and no padding (the
 * form skynet-js uses for subdomains). Portals answer Skynet-Skylink in base64url either way.
 */
export const SKYLINK_BASE64 = /^[A-Za-z0-9_-]{46}$/;
export const SKYLINK_BASE32 = /^[0-9a-v]{55}$/;

const BASE32_HEX = "0123456789abcdefghijklmnopqrstuv";

/** The 34 bytes of a skylink in either spelling; null when it is neither. */
export function skylinkBytes(skylink: string): Buffer | null {
  if (SKYLINK_BASE64.test(skylink)) return Buffer.from(skylink, "base64url");
  if (!SKYLINK_BASE32.test(skylink)) return null;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of skylink) {
    value = (value << 5) | BASE32_HEX.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** True when two spellings name the same skylink. */
export function sameSkylink(a: string, b: string): boolean {
  const x = skylinkBytes(a);
  const y = skylinkBytes(b);
  return x !== null && y !== null && x.equals(y);
}
