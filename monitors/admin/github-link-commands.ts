import { z } from "zod";
import type { Db } from "../store/client";
import { audit } from "../auth/audit";
import { deleteUserSessions } from "../auth/sessions";
import { auditedAs, defineCommand, FieldError, type Actor } from "./admin-command";
import { id } from "./form-fields";

export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_ID = /^[1-9][0-9]{0,15}$/;

/** A GitHub account to link: by login (pinned to its numeric id at the first sign-in) or by id. */
export type GithubLink = { login: string } | { id: string };

/**
 * Links an account to a GitHub account, or removes the link (null), in one transaction with its
 * audit row. A link set by an admin replaces one made through membership, so membership no longer
 * decides for the account. Removing or replacing a link ends the account's sessions and waiting
 * sign-ins; linking the same login again changes nothing.
 * Returns how many sessions ended. Used by /admin/users and `npm run admin -- link-github`.
 */
export async function setGithubLink(db: Db, actor: Actor, userId: number, link: GithubLink | null, now = new Date()): Promise<number> {
  if (link && "login" in link && !GITHUB_LOGIN.test(link.login))
    throw new FieldError("github", `must be a GitHub login (letters, digits, dashes; at most 39), got ${JSON.stringify(link.login)}`);
  if (link && "id" in link && !GITHUB_ID.test(link.id))
    throw new FieldError("github-id", `must be a GitHub account's numeric id, got ${JSON.stringify(link.id)}`);
  return db.$transaction(async (tx) => {
    const u = await tx.user.findUnique({ where: { id: userId } });
    if (!u) throw new FieldError("form", `user ${userId} does not exist`);
    if (link && "id" in link) {
      const other = await tx.user.findUnique({ where: { githubId: link.id }, select: { id: true, email: true } });
      if (other && other.id !== u.id) throw new FieldError("github-id", `${link.id} is linked to ${other.email} already`);
    }
    const login = link && "login" in link ? link.login.toLowerCase() : null;
    // The same login again keeps the id its first sign-in pinned; anything else starts over.
    const githubId = link && "id" in link ? link.id : login !== null && login === u.githubLogin ? u.githubId : null;
    await tx.user.update({ where: { id: u.id }, data: { githubId, githubLogin: login, githubByMembership: false } });
    // Removed or replaced: whoever signed in through the old GitHub account is signed out.
    const replaced = (u.githubId !== null && u.githubId !== githubId) || (u.githubLogin !== null && u.githubLogin !== login);
    let ended = 0;
    if (replaced) {
      await tx.pendingSignIn.deleteMany({ where: { userId: u.id } });
      ended = await deleteUserSessions(tx, u.id);
    }
    await audit(tx, {
      ...auditedAs(actor),
      action: link ? "user.link_github" : "user.unlink_github",
      target: `user:${u.id}`,
      details: { ...(actor.via && { via: actor.via }), email: u.email, ...link },
      at: now,
    });
    return ended;
  });
}

export const linkGithub = defineCommand({
  permission: "user.write",
  input: z.object({
    id,
    /** A GitHub login ("@" allowed); empty removes the link. */
    github: z
      .string({ error: "must be text" })
      .max(60, "at most 60 characters")
      .transform((s) => s.trim().replace(/^@/, "")),
  }),
  async run({ db, actor, now }, input) {
    await setGithubLink(db, actor, input.id, input.github ? { login: input.github } : null, now);
    return { message: input.github ? `Linked to @${input.github}.` : "GitHub link removed." };
  },
});
