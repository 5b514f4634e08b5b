import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

// The parameters travel inside every stored hash, so they can be raised later without
// invalidating existing accounts: verification always uses the ones stored with the hash.
const LOG_N = 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const SCHEME = "scrypt";

// Refuse stored parameters that would take more memory than this, so a corrupt or hostile
// row cannot make one login allocate gigabytes.
const MAX_MEMORY = 256 * 1024 * 1024;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;

interface Params {
  logN: number;
  r: number;
  p: number;
}

// scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) is exactly that for N=2^15, r=8
// and is rejected, so the limit is set from the parameters with headroom.
function memoryFor({ logN, r, p }: Params): number {
  return 128 * 2 ** logN * r + 128 * r * p + 1024 * 1024;
}

function derive(plain: string, salt: Buffer, keyLength: number, params: Params): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(plain, salt, keyLength, { N: 2 ** params.logN, r: params.r, p: params.p, maxmem: memoryFor(params) }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hashes a password as `scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>`. */
export async function hashPassword(plain: string): Promise<string> {
  const params = { logN: LOG_N, r: R, p: P };
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(plain, salt, KEY_BYTES, params);
  return [SCHEME, LOG_N, R, P, salt.toString("base64url"), key.toString("base64url")].join("$");
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const SMALL_INT = /^[1-9][0-9]{0,2}$/;

function parse(encoded: string): { params: Params; salt: Buffer; key: Buffer } | null {
  const parts = encoded.split("$");
  if (parts.length !== 6 || parts[0] !== SCHEME) return null;
  const [, n, r, p, salt, key] = parts;
  if (![n, r, p].every((x) => SMALL_INT.test(x)) || !B64URL.test(salt) || !B64URL.test(key)) return null;
  const params = { logN: Number(n), r: Number(r), p: Number(p) };
  if (params.logN > 30 || params.p > 16 || memoryFor(params) > MAX_MEMORY) return null;
  const saltBytes = Buffer.from(salt, "base64url");
  const keyBytes = Buffer.from(key, "base64url");
  if (saltBytes.length < 8 || keyBytes.length < 16 || keyBytes.length > 64) return null;
  return { params, salt: saltBytes, key: keyBytes };
}

/** True when `plain` matches the stored hash; false for a wrong password or a malformed hash (never throws on stored data). */
export async function verifyPassword(plain: string, encoded: string): Promise<boolean> {
  if (typeof plain !== "string" || typeof encoded !== "string") return false;
  const stored = parse(encoded);
  if (!stored) return false;
  let key: Buffer;
  try {
    key = await derive(plain, stored.salt, stored.key.length, stored.params);
  } catch {
    return false;
  }
  // timingSafeEqual throws on different lengths; derive() already matches them, the check documents it.
  return key.length === stored.key.length && timingSafeEqual(key, stored.key);
}

/** What is wrong with a new password, as a sentence for the person choosing it, or null when it is acceptable. */
export function passwordProblem(plain: string): string | null {
  // Code points, not UTF-16 units, so an emoji counts as one character as the user sees it.
  const length = [...plain].length;
  if (length < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters (it has ${length}).`;
  if (length > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters (it has ${length}).`;
  return null;
}

/** A random password of 24 base64url characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same scrypt work as checking a real password, for logins whose email has no
 * usable account, so response time does not reveal which emails exist. Always false.
 */
export async function verifyAgainstDummy(plain: string): Promise<false> {
  // Computed at first use rather than at import, so importing this module costs nothing.
  dummyHash ??= hashPassword(generatePassword());
  await verifyPassword(plain, await dummyHash);
  return false;
}
