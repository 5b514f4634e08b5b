import { describe, expect, it } from "vitest";
import {
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  openSecret,
  recoveryCodeHash,
  sealSecret,
  totpCode,
  totpStep,
  totpUri,
} from "@/monitors/auth/totp";

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" (base32 below), 8-digit codes there;
// with 6 digits the code is the last six of the RFC's value.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("TOTP", () => {
  it("matches RFC 6238's SHA-1 test vectors (last six digits)", () => {
    expect(totpCode(RFC_SECRET, 59_000)).toBe("287082");
    expect(totpCode(RFC_SECRET, 1_111_111_109_000)).toBe("081804");
    expect(totpCode(RFC_SECRET, 1_234_567_890_000)).toBe("005924");
    expect(totpCode(RFC_SECRET, 2_000_000_000_000)).toBe("279037");
  });

  it("accepts the step before and after (a phone clock a little off), and names the step", () => {
    const now = 1_800_000_000_000;
    const step = Math.floor(now / 30_000);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now), now)).toBe(step);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now - 30_000), now)).toBe(step - 1);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), now)).toBe(step + 1);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now - 90_000), now)).toBeNull();
    expect(totpStep(RFC_SECRET, " 12 34 ", now)).toBeNull();
    expect(totpStep(RFC_SECRET, "abcdef", now)).toBeNull();
    // Spaces as apps show them ("123 456") are fine.
    const code = totpCode(RFC_SECRET, now);
    expect(totpStep(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(step);
  });

  it("makes 160-bit secrets and an otpauth URI that apps read", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, "ops@example.com"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("OpenRegistry status");
    expect(decodeURIComponent(uri.pathname)).toContain("ops@example.com");
  });

  it("seals secrets so that only the same app secret opens them, and any change is refused", () => {
    const key = Buffer.from("k".repeat(32));
    const sealed = sealSecret(RFC_SECRET, key);
    expect(sealed).not.toContain(RFC_SECRET);
    expect(openSecret(sealed, key)).toBe(RFC_SECRET);
    expect(sealSecret(RFC_SECRET, key)).not.toBe(sealed); // a fresh IV every time
    expect(openSecret(sealed, Buffer.from("x".repeat(32)))).toBeNull();
    const [v, iv, body, tag] = sealed.split(".");
    const flipped = `${body.slice(0, -2)}${body.at(-2) === "A" ? "B" : "A"}${body.at(-1)}`;
    expect(openSecret([v, iv, flipped, tag].join("."), key)).toBeNull();
    expect(openSecret("not sealed", key)).toBeNull();
  });

  it("makes ten distinct recovery codes, matched whatever their case, spaces and dashes", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    const c = codes[0];
    expect(recoveryCodeHash(c.toUpperCase().replaceAll("-", " "))).toBe(recoveryCodeHash(c));
    expect(looksLikeRecoveryCode(c)).toBe(true);
    expect(looksLikeRecoveryCode("123456")).toBe(false);
  });
});
