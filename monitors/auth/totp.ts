import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";

/**
 * Two-factor codes (TOTP, RFC 6238) through `otpauth`, a maintained implementation of RFC 4226/6238
 * with the otpauth:// URI format authenticator apps read. SHA-1, 6 digits, 30 s: the parameters
 * every authenticator app supports (others are silently ignored by some apps).
 */
export const TOTP_ISSUER = "OpenRegistry status";
const PERIOD_SEC = 30;
/** Codes of the step before and after are accepted too: a phone's clock a little off still works. */
const WINDOW = 1;

function totpOf(secretBase32: string, label = "") {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD_SEC,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new random secret (160 bits, as RFC 4226 recommends), in base32 as apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI a QR code carries for an authenticator app. */
export function totpUri(secretBase32: string, accountEmail: string): string {
  return totpOf(secretBase32, accountEmail).toString();
}

/** The code for a moment (tests and the e2e flow use it as an authenticator app would). */
export function totpCode(secretBase32: string, at: number): string {
  return totpOf(secretBase32).generate({ timestamp: at });
}

/** The time step a code belongs to, if it is valid at `now` within the window; null otherwise. */
export function totpStep(secretBase32: string, code: string, now: number): number | null {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secretBase32).validate({ token, timestamp: now, window: WINDOW });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD_SEC) + delta;
}

/**
 * Secrets are stored sealed (AES-256-GCM with a key derived from the app secret), so a copy of the
 * database alone does not give away the second factor. If the app secret changes, sealed secrets
 * no longer open: those maintainers sign in with a recovery code and enrol again.
 */
function sealingKey(appSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", appSecret, Buffer.alloc(0), "status-totp-secret-v1", 32));
}

export function sealSecret(secretBase32: string, appSecret: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(appSecret), iv);
  const body = Buffer.concat([cipher.update(secretBase32, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

/** The secret, or null when it was sealed under another key or altered. */
export function openSecret(sealed: string, appSecret: Buffer): string | null {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== "v1" || !iv || !body || !tag) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealingKey(appSecret), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** Recovery codes: ten, each 12 base32 characters (60 random bits) in three groups, like "k3v9-x2m4-q8rt". */
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = [...randomBytes(12)].map((b) => RECOVERY_ALPHABET[b & 31]).join("");
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  });
}

/** How a recovery code is stored and looked up: case, spaces and dashes do not matter. */
export function recoveryCodeHash(code: string): string {
  return createHash("sha256")
    .update(code.toLowerCase().replace(/[\s-]+/g, ""))
    .digest("hex");
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z2-7]{12}$/.test(code.toLowerCase().replace(/[\s-]+/g, ""));
}
