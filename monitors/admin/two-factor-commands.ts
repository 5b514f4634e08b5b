import { z } from "zod";
import { defineCommand, FieldError } from "./admin-command";
import { audit } from "../auth/audit";
import { appSecret } from "../auth/app-secret";
import { checkSecondFactor, mustEnrolSecondFactor, SECOND_FACTOR_ERRORS } from "../auth/second-factor";
import { newRecoveryCodes, newTotpSecret, openSecret, recoveryCodeHash, sealSecret, totpStep } from "../auth/totp";

/** The maintainer's own page, where two-factor is set up and turned off. */
export const ACCOUNT_PAGE = "/admin/account";

const code = z.string({ error: "must be text" }).trim().min(1, "enter the code").max(64, "at most 64 characters");

/** A signed-in maintainer's own account: every role may; the command acts on the actor only. */
function signedInUser(actorId: number | null): number {
  if (actorId === null) throw new FieldError("form", "two-factor belongs to a signed-in maintainer, not a token or the command line");
  return actorId;
}

/** Step 1: a new secret, kept sealed as pending until a code from it is confirmed. The page shows its QR code. */
export const beginTwoFactor = defineCommand({
  permission: "account.write",
  input: z.object({}),
  async run({ db, actor, now, env }) {
    const userId = signedInUser(actor.id);
    const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
    if (user.totpSecret)
      throw new FieldError("form", "Two-factor authentication is on already; turn it off first to set up another device.");
    const sealed = sealSecret(newTotpSecret(), await appSecret(db, env));
    await db.$transaction([
      db.user.update({ where: { id: userId }, data: { totpPending: sealed } }),
      audit(db, { userId, action: "auth.2fa_setup_started", at: now }),
    ]);
    return { redirect: ACCOUNT_PAGE };
  },
});

/** Step 2: a code from the app proves it holds the secret; two-factor is on, with fresh recovery codes shown once. */
export const confirmTwoFactor = defineCommand({
  permission: "account.write",
  input: z.object({ code }),
  async run({ db, actor, now, env }, input) {
    const userId = signedInUser(actor.id);
    const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
    const pending = user.totpPending ? openSecret(user.totpPending, await appSecret(db, env)) : null;
    if (!user.totpPending || !pending) throw new FieldError("code", "Start the setup first.");
    const step = totpStep(pending, input.code, now.getTime());
    if (step === null)
      throw new FieldError("code", "That code does not match. Type the 6 digits your app shows now (and check your phone's clock).");
    const codes = newRecoveryCodes();
    await db.$transaction([
      db.recoveryCode.deleteMany({ where: { userId } }),
      db.recoveryCode.createMany({ data: codes.map((c) => ({ userId, codeHash: recoveryCodeHash(c) })) }),
      // The confirming code's step counts as used: it cannot sign anyone in afterwards.
      db.user.update({ where: { id: userId }, data: { totpSecret: user.totpPending, totpPending: null, totpLastStep: step } }),
      audit(db, { userId, action: "auth.2fa_enabled", at: now }),
    ]);
    return {
      message: `Two-factor authentication is on. Your recovery codes, shown only now (each works once in place of a code; keep them somewhere safe, then reload this page): ${codes.join("  ")}`,
      data: { recoveryCodes: codes },
    };
  },
});

/** Turns two-factor off, with a current code or a recovery code. Refused for admins while REQUIRE_2FA=1. */
export const disableTwoFactor = defineCommand({
  permission: "account.write",
  input: z.object({ code }),
  async run({ db, actor, now, env }, input) {
    const userId = signedInUser(actor.id);
    const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
    if (!user.totpSecret) throw new FieldError("form", "Two-factor authentication is off already.");
    if (mustEnrolSecondFactor({ role: user.role, twoFactor: false }, env))
      throw new FieldError("form", "Admins must keep two-factor authentication on here (REQUIRE_2FA=1).");
    const check = await checkSecondFactor(db, { id: userId, totpSecret: user.totpSecret }, input.code, now, env);
    if (!check.ok) throw new FieldError("code", SECOND_FACTOR_ERRORS[check.reason]);
    await db.$transaction([
      db.recoveryCode.deleteMany({ where: { userId } }),
      db.user.update({ where: { id: userId }, data: { totpSecret: null, totpPending: null, totpLastStep: null } }),
      audit(db, { userId, action: "auth.2fa_disabled", details: { with: check.via }, at: now }),
    ]);
    return { redirect: ACCOUNT_PAGE, message: "Two-factor authentication is off." };
  },
});

/** The commands an admin held by REQUIRE_2FA=1 may still run. */
export const ENROLMENT_COMMANDS = new Set(["account.2fa.begin", "account.2fa.confirm"]);
