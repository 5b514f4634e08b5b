import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import { appSecret } from "./app-secret";
import { looksLikeRecoveryCode, openSecret, recoveryCodeHash, totpStep } from "./totp";

export type SecondFactorCheck = { ok: true; via: "totp" | "recovery" } | { ok: false; reason: "missing" | "wrong" | "replayed" };

/** What the sign-in form says for each refusal. */
export const SECOND_FACTOR_ERRORS: Record<Extract<SecondFactorCheck, { ok: false }>["reason"], string> = {
  missing: "This account uses two-factor authentication: enter the code from your authenticator app, or a recovery code.",
  wrong: "Wrong two-factor code.",
  replayed: "This code was used already. Wait for the next one.",
};

/** Whether REQUIRE_2FA=1 holds this user to enrolling before anything else in /admin. */
export function mustEnrolSecondFactor(user: { role: string; twoFactor: boolean }, env: Env = process.env): boolean {
  return env.REQUIRE_2FA === "1" && user.role === "admin" && !user.twoFactor;
}

/**
 * Checks a TOTP code or a recovery code for a user with two-factor on. Each is used at most once,
 * and the claim is one conditional write, so two requests carrying the same code cannot both pass:
 * a TOTP code only if its time step is newer than the last one accepted, a recovery code only
 * while it is unused.
 */
export async function checkSecondFactor(
  db: Db,
  user: { id: number; totpSecret: string },
  code: string | undefined,
  now: Date,
  env: Env = process.env,
): Promise<SecondFactorCheck> {
  if (!code?.trim()) return { ok: false, reason: "missing" };
  if (looksLikeRecoveryCode(code)) {
    const used = await db.recoveryCode.updateMany({
      where: { userId: user.id, codeHash: recoveryCodeHash(code), usedAt: null },
      data: { usedAt: now },
    });
    return used.count === 1 ? { ok: true, via: "recovery" } : { ok: false, reason: "wrong" };
  }
  const secret = openSecret(user.totpSecret, await appSecret(db, env));
  const step = secret === null ? null : totpStep(secret, code, now.getTime());
  if (step === null) return { ok: false, reason: "wrong" };
  const claimed = await db.user.updateMany({
    where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  return claimed.count === 1 ? { ok: true, via: "totp" } : { ok: false, reason: "replayed" };
}
