import { Prisma, type User } from "@prisma/client";
import type { Db } from "../store/client";
import { audit } from "./audit";
import { isRole } from "./permissions";
import type { GithubConfig } from "./sign-in-methods";
import type { GithubIdentity } from "./github-api";

/** What a GitHub sign-in that reached us is refused for (the words are in github-refusals.ts). */
export type GithubRefusal = "not-linked" | "not-member" | "disabled" | "no-email" | "email-taken";

export type GithubAccountDecision =
  | { ok: true; user: User; created: boolean; pinned: boolean }
  | { ok: false; reason: GithubRefusal; userId: number | null };

/** The password hash of an account made through GitHub: no scrypt string, so no password ever matches it. */
export const NO_PASSWORD = "!github";

export interface GithubFacts {
  identity: GithubIdentity;
  /** Asked only when needed: membership of GITHUB_ORG/GITHUB_TEAM, and the verified primary email. */
  isMember: () => Promise<boolean>;
  verifiedEmail: () => Promise<string | null>;
}

/**
 * Which account a GitHub identity signs in to:
 * 1. the account linked to its numeric id;
 * 2. else an account an admin linked to its login (not yet signed in): the id is pinned now, so a
 *    later owner of a renamed login does not inherit it;
 * 3. else, when GITHUB_ORG is set and they are an active member (of GITHUB_TEAM, if set), a new
 *    account with GITHUB_ROLE under their verified primary email, unless an account already has
 *    that email: it is never linked by email, because an address on GitHub is weaker proof than
 *    an admin's link, and the existing account may hold more rights than GITHUB_ROLE.
 * Accounts made through membership need it at every sign-in: leaving the team locks them out.
 */
export async function decideGithubAccount(db: Db, cfg: GithubConfig, facts: GithubFacts, now: Date): Promise<GithubAccountDecision> {
  const { id, login } = facts.identity;
  const byId = await db.user.findUnique({ where: { githubId: id } });
  const byLogin = byId
    ? null
    : await db.user.findFirst({ where: { githubId: null, githubLogin: login.toLowerCase() }, orderBy: { id: "asc" } });
  const account = byId ?? byLogin;

  if (account) {
    if (account.disabledAt || !isRole(account.role)) return { ok: false, reason: "disabled", userId: account.id };
    if (account.githubByMembership && !(cfg.org && (await facts.isMember())))
      return { ok: false, reason: "not-member", userId: account.id };
    if (byLogin) {
      // Conditional: two first sign-ins at once pin the id once.
      await db.user.updateMany({ where: { id: byLogin.id, githubId: null }, data: { githubId: id } });
    }
    return { ok: true, user: account, created: false, pinned: byLogin !== null };
  }

  if (!cfg.org) return { ok: false, reason: "not-linked", userId: null };
  if (!(await facts.isMember())) return { ok: false, reason: "not-member", userId: null };
  const email = await facts.verifiedEmail();
  if (!email) return { ok: false, reason: "no-email", userId: null };
  const taken = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (taken) return { ok: false, reason: "email-taken", userId: taken.id };
  try {
    const user = await db.$transaction(async (tx) => {
      const u = await tx.user.create({
        data: {
          email,
          role: cfg.role,
          passwordHash: NO_PASSWORD,
          githubId: id,
          githubLogin: login.toLowerCase(),
          githubByMembership: true,
        },
      });
      await audit(tx, {
        userId: null,
        action: "user.create",
        target: `user:${u.id}`,
        details: { via: "github", email, role: cfg.role, githubLogin: login, org: cfg.org, ...(cfg.team && { team: cfg.team }) },
        at: now,
      });
      return u;
    });
    return { ok: true, user, created: true, pinned: false };
  } catch (e) {
    // The same email or GitHub id created by a simultaneous sign-in.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return { ok: false, reason: "email-taken", userId: null };
    throw e;
  }
}
