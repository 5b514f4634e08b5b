import { z } from "zod";
import { Prisma } from "@prisma/client";
import { defineCommand, FieldError, NotFoundError, auditedAs } from "./admin-command";
import { id } from "./form-fields";
import { audit } from "../auth/audit";
import { API_SCOPES } from "../auth/api-scopes";
import { newApiTokenSecret } from "../auth/api-tokens";
import { DAY_MS } from "../core/duration";

const MAX_DAYS = 3650;

/** Management API tokens (/api/admin/v1): made and revoked by admins, in /admin, with `npm run admin`, never by a token. */
export const createApiToken = defineCommand({
  permission: "token.write",
  input: z.object({
    name: z
      .string({ error: "a name is needed" })
      .trim()
      .min(1, "a name is needed")
      .max(64, "at most 64 characters")
      .regex(/^[A-Za-z0-9][A-Za-z0-9 ._:-]*$/, "letters, digits, spaces and . _ : - only"),
    scopes: z
      .array(z.enum(API_SCOPES, { error: `each scope is one of ${API_SCOPES.join(", ")}` }), { error: "a list of scopes" })
      .min(1, "pick at least one scope")
      .max(API_SCOPES.length)
      .refine((s) => new Set(s).size === s.length, "a scope is listed twice"),
    /** Empty or absent: the token does not expire. */
    expiresInDays: z.preprocess(
      (v) => (v === "" || v === null ? undefined : v),
      z.coerce
        .number({ error: "a number of days" })
        .int("whole days")
        .min(1, "at least 1 day")
        .max(MAX_DAYS, `at most ${MAX_DAYS} days`)
        .optional(),
    ),
  }),
  async run({ db, actor, now }, input) {
    const { secret, hash } = newApiTokenSecret();
    const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null;
    let tokenId: number;
    try {
      tokenId = await db.$transaction(async (tx) => {
        const t = await tx.apiToken.create({
          data: { name: input.name, tokenHash: hash, scopes: input.scopes, expiresAt, createdById: actor.id, createdAt: now },
          select: { id: true },
        });
        await audit(tx, {
          ...auditedAs(actor),
          action: "token.create",
          target: `token:${t.id}`,
          details: {
            ...(actor.via && { via: actor.via }),
            name: input.name,
            scopes: input.scopes,
            expiresAt: expiresAt?.toISOString() ?? null,
          },
          at: now,
        });
        return t.id;
      });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
        throw new FieldError("name", "a token with this name exists");
      throw e;
    }
    return {
      createdId: tokenId,
      message: `Token "${input.name}" created. Its secret, shown only now (only a hash is kept): ${secret}`,
      data: { id: tokenId, name: input.name, token: secret, scopes: input.scopes, expiresAt: expiresAt?.toISOString() ?? null },
    };
  },
});

export const revokeApiToken = defineCommand({
  permission: "token.write",
  input: z.object({ id }),
  async run({ db, actor, now }, input) {
    await db.$transaction(async (tx) => {
      const t = await tx.apiToken.findUnique({ where: { id: input.id }, select: { id: true, name: true, revokedAt: true } });
      if (!t) throw new NotFoundError(`token ${input.id} does not exist`);
      if (t.revokedAt) throw new FieldError("form", `token "${t.name}" was already revoked at ${t.revokedAt.toISOString()}`);
      await tx.apiToken.update({ where: { id: t.id }, data: { revokedAt: now } });
      await audit(tx, {
        ...auditedAs(actor),
        action: "token.revoke",
        target: `token:${t.id}`,
        details: { ...(actor.via && { via: actor.via }), name: t.name },
        at: now,
      });
    });
    return {};
  },
});
