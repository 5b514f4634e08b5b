import { cookies } from "next/headers";
import { redirect, notFound } from "next/navigation";
import { sharedDb } from "../../../monitors/queries/shared-db";
import { SESSION_COOKIE, sessionUser, type SessionUser } from "../../../monitors/auth/sessions";
import { can, type Permission } from "../../../monitors/auth/permissions";

/** The signed-in maintainer, or a redirect to the login page that comes back here. */
export async function requireUser(here: string, permission?: Permission): Promise<SessionUser> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const user = await sessionUser(await sharedDb(), token);
  if (!user) redirect(`/admin/login?next=${encodeURIComponent(here)}`);
  // A page a role may not use does not exist for it (the writes are refused on their own).
  if (permission && !can(user.role, permission)) notFound();
  return user;
}
