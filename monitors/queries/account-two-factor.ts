import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import { appSecret } from "../auth/app-secret";
import { openSecret, totpUri } from "../auth/totp";

export type TwoFactorView =
  | { state: "off" }
  /** Set-up started: the secret to type in, and the otpauth:// URI its QR code carries, until a code confirms it. */
  | { state: "pending"; secret: string; uri: string }
  | { state: "on"; recoveryCodesLeft: number };

/** What the maintainer's own account page shows about two-factor. Only ever for the signed-in user. */
export async function accountTwoFactor(db: Db, userId: number, env: Env = process.env): Promise<TwoFactorView> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, totpSecret: true, totpPending: true } });
  if (user.totpSecret) {
    const recoveryCodesLeft = await db.recoveryCode.count({ where: { userId, usedAt: null } });
    return { state: "on", recoveryCodesLeft };
  }
  const secret = user.totpPending ? openSecret(user.totpPending, await appSecret(db, env)) : null;
  if (!secret) return { state: "off" };
  return { state: "pending", secret, uri: totpUri(secret, user.email) };
}
