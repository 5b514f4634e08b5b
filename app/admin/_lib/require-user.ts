import { cookies } from "next/headers";
import { redirect, notFound } from "next/navigation";
import { sharedDb } from "@/monitors/queries/shared-db";
import { SESSION_COOKIE, sessionUser, type SessionUser } from "@/monitors/auth/sessions";
import { can, type Permission } from "@/monitors/auth/permissions";
import { mustEnrolSecondFactor } from "@/monitors/auth/second-factor";
import { ACCOUNT_PAGE } from "@/monitors/admin/two-factor-commands";

/** The signed-in maintainer, or a redirect to the login page that comes back here. */
export async function requireUser(here: string, permission?: Permission): Promise<SessionUser> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const user = await sessionUser(await sharedDb(), token);
  if (!user) redirect(`/admin/login?next=${encodeURIComponent(here)}`);
  // REQUIRE_2FA=1: an admin without two-factor sees only the page that sets it up.
  if (here !== ACCOUNT_PAGE && mustEnrolSecondFactor(user)) redirect(ACCOUNT_PAGE);
  // A page a role may not use does not exist for it (the writes are refused on their own).
  if (permission && !can(user.role, permission)) notFound();
  return user;
}
