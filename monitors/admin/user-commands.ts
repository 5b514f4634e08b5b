import { z } from "zod";
import { Prisma } from "@prisma/client";
import { defineCommand, FieldError, auditedAs } from "./admin-command";
import type { Db, Tx } from "../store/client";
import { id } from "./form-fields";
import { audit } from "../auth/audit";
import { ROLES, type Role } from "../auth/permissions";
import { generatePassword, hashPassword, passwordProblem } from "../auth/password";
import { deleteUserSessions } from "../auth/sessions";
import { normaliseEmail, resetLockout } from "../auth/login";

const role = z.enum(ROLES, { error: `pick one of ${ROLES.join(", ")}` });

async function activeAdmins(tx: Tx): Promise<number> {
  return tx.user.count({ where: { role: "admin", disabledAt: null } });
}

/**
 * Who changes an account: a signed-in maintainer (the admin commands), or the command line
 * (monitors/cli/admin.ts: no user, and the audit row says `via: "cli"`). Both go through the
 * functions below, so the rules (one transaction, the last admin kept) are written once.
 */
export interface AccountChanger {
  userId: number | null;
  via?: "cli";
}

/** Creates an account and its audit row in one transaction; a taken email is a FieldError on `email`. */
export async function insertUser(
  db: Db,
  by: AccountChanger,
  user: { email: string; role: Role; passwordHash: string },
  now = new Date(),
): Promise<number> {
  try {
    return await db.$transaction(async (tx) => {
      const u = await tx.user.create({
        data: { email: user.email, role: user.role, passwordHash: user.passwordHash },
        select: { id: true },
      });
      await audit(tx, {
        userId: by.userId,
        action: "user.create",
        target: `user:${u.id}`,
        details: { ...(by.via && { via: by.via }), email: user.email, role: user.role },
        at: now,
      });
      return u.id;
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw new FieldError("email", "an account with this email exists");
    throw e;
  }
}

/**
 * Disables or re-enables an account in one transaction. Refuses the changer's own account and the
 * last active admin; disabling ends the account's sessions (returns how many), re-enabling clears
 * its lockout.
 */
export async function setAccountDisabled(db: Db, by: AccountChanger, userId: number, disabled: boolean, now = new Date()): Promise<number> {
  return db.$transaction(async (tx) => {
    const u = await tx.user.findUnique({ where: { id: userId } });
    if (!u) throw new FieldError("form", `user ${userId} does not exist`);
    if (disabled && u.id === by.userId) throw new FieldError("form", "you cannot disable your own account");
    if (disabled && u.role === "admin" && !u.disabledAt && (await activeAdmins(tx)) <= 1)
      throw new FieldError("form", "the last admin cannot be disabled");
    await tx.user.update({ where: { id: u.id }, data: { disabledAt: disabled ? now : null } });
    // Re-enabling starts clean: no lock left over from before.
    if (!disabled) await resetLockout(tx, u.email);
    // Disabling signs them out everywhere at once.
    const ended = disabled ? await deleteUserSessions(tx, u.id) : 0;
    await audit(tx, {
      userId: by.userId,
      action: disabled ? "user.disable" : "user.enable",
      target: `user:${u.id}`,
      ...(by.via && { details: { via: by.via, email: u.email } }),
      at: now,
    });
    return ended;
  });
}

export const createUser = defineCommand({
  permission: "user.write",
  input: z.object({
    email: z.email({ error: "not an email address" }).max(254),
    role,
    /** Empty: a password is generated and shown once. */
    password: z.string().max(1024).default(""),
  }),
  async run({ db, actor, now }, input) {
    const password = input.password || generatePassword();
    const problem = passwordProblem(password);
    if (problem) throw new FieldError("password", problem);
    const email = normaliseEmail(input.email);
    await insertUser(db, { userId: actor.id }, { email, role: input.role, passwordHash: await hashPassword(password) }, now);
    return { message: input.password ? `Created ${email}.` : `Created ${email}. Their password, shown only now: ${password}` };
  },
});

export const setUserRole = defineCommand({
  permission: "user.write",
  input: z.object({ id, role }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const u = await tx.user.findUnique({ where: { id: input.id } });
      if (!u) throw new FieldError("form", `user ${input.id} does not exist`);
      if (u.role === "admin" && input.role !== "admin" && !u.disabledAt && (await activeAdmins(tx)) <= 1)
        throw new FieldError("role", "the last admin cannot stop being one");
      await tx.user.update({ where: { id: u.id }, data: { role: input.role } });
      await audit(tx, {
        ...auditedAs(actor),
        action: "user.role",
        target: `user:${u.id}`,
        details: { from: u.role, to: input.role },
        at: now,
      });
    });
    return {};
  },
});

export const setUserDisabled = defineCommand({
  permission: "user.write",
  input: z.object({ id, disabled: z.coerce.boolean() }),
  async run({ db, actor, now }, input) {
    await setAccountDisabled(db, { userId: actor.id }, input.id, input.disabled, now);
    return {};
  },
});
