import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from "@/monitors/auth/password";

describe("password hashing", () => {
  it("round-trips and refuses a wrong password", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts every hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same password here"), hashPassword("same password here")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password here", a)).toBe(true);
    expect(await verifyPassword("same password here", b)).toBe(true);
  });

  it("answers false, never throws, for malformed stored hashes", async () => {
    const good = await hashPassword("a valid password");
    const [, , , , salt, key] = good.split("$");
    const bad = [
      "",
      "plain-text-password",
      `scrypt$15$8$1$${salt}`,
      `bcrypt$15$8$1$${salt}$${key}`,
      `scrypt$x$8$1$${salt}$${key}`,
      `scrypt$0$8$1$${salt}$${key}`,
      `scrypt$40$8$1$${salt}$${key}`, // absurd memory: refused rather than attempted
      `scrypt$15$8$1$${salt}$${key}$extra`,
      `scrypt$15$8$1$${salt}$not*base64`,
      `scrypt$15$8$1$${salt}$AAAA`, // too short a key
      `scrypt$15$8$1$$${key}`,
      good.slice(0, -1) + (good.endsWith("A") ? "B" : "A"),
    ];
    for (const stored of bad) expect(await verifyPassword("a valid password", stored), stored).toBe(false);
    expect(await verifyPassword("a valid password", null as unknown as string)).toBe(false);
  });

  it("spends scrypt time on the dummy hash and always says no", async () => {
    expect(await verifyAgainstDummy("anything at all")).toBe(false);
  });
});

describe("password rules", () => {
  it("needs 12 to 1024 characters", () => {
    expect(passwordProblem("short")).toMatch(/at least 12 characters/);
    expect(passwordProblem("x".repeat(11))).toMatch(/at least 12/);
    expect(passwordProblem("x".repeat(12))).toBeNull();
    expect(passwordProblem("x".repeat(1024))).toBeNull();
    expect(passwordProblem("x".repeat(1025))).toMatch(/at most 1024 characters/);
    // characters as the user sees them: 12 emoji are 12 characters, not 24 UTF-16 units
    expect(passwordProblem("🔑".repeat(11))).toMatch(/at least 12/);
    expect(passwordProblem("🔑".repeat(12))).toBeNull();
  });

  it("generates passwords that pass the rules", () => {
    const a = generatePassword();
    expect(a.length).toBeGreaterThanOrEqual(20);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(passwordProblem(a)).toBeNull();
    expect(generatePassword()).not.toBe(a);
  });
});
