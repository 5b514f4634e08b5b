import { z } from "zod";
import { Prisma } from "@prisma/client";
import { defineCommand, FieldError, type Tx } from "./admin-command";
import { id } from "./form-fields";
import { audit } from "../auth/audit";
import { ROLES } from "../auth/permissions";
import { generatePassword, hashPassword, passwordProblem } from "../auth/password";
import { deleteUserSessions } from "../auth/sessions";
import { normaliseEmail, resetLockout } from "../auth/login";

const role = z.enum(ROLES, { error: `pick one of ${ROLES.join(", ")}` });

async function activeAdmins(tx: Tx): Promise<number> {
  return tx.user.count({ where: { role: "admin", disabledAt: null } });
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
    try {
      await db.$transaction(async (tx) => {
        const u = await tx.user.create({ data: { email, role: input.role, passwordHash: await hashPassword(password) } });
        await audit(tx, { userId: actor.id, action: "user.create", target: `user:${u.id}`, details: { email, role: input.role }, at: now });
      });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") throw new FieldError("email", "an account with this email exists");
      throw e;
    }
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
      if (u.role === "admin" && input.role !== "admin" && !u.disabledAt && (await activeAdmins(tx)) <= 1) throw new FieldError("role", "the last admin cannot stop being one");
      await tx.user.update({ where: { id: u.id }, data: { role: input.role } });
      await audit(tx, { userId: actor.id, action: "user.role", target: `user:${u.id}`, details: { from: u.role, to: input.role }, at: now });
    });
    return {};
  },
});

export const setUserDisabled = defineCommand({
  permission: "user.write",
  input: z.object({ id, disabled: z.coerce.boolean() }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const u = await tx.user.findUnique({ where: { id: input.id } });
      if (!u) throw new FieldError("form", `user ${input.id} does not exist`);
      if (input.disabled && u.id === actor.id) throw new FieldError("form", "you cannot disable your own account");
      if (input.disabled && u.role === "admin" && !u.disabledAt && (await activeAdmins(tx)) <= 1) throw new FieldError("form", "the last admin cannot be disabled");
      await tx.user.update({ where: { id: u.id }, data: { disabledAt: input.disabled ? now : null } });
      // Re-enabling starts clean: no lock left over from before.
      if (!input.disabled) await resetLockout(tx, u.email);
      // Disabling signs them out everywhere at once.
      if (input.disabled) await deleteUserSessions(tx, u.id);
      await audit(tx, { userId: actor.id, action: input.disabled ? "user.disable" : "user.enable", target: `user:${u.id}`, at: now });
    });
    return {};
  },
});
