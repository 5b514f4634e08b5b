import { requireUser } from "../_lib/require-user";
import { AdminNav } from "../_ui/AdminNav";
import { CommandForm } from "../_ui/CommandForm";
import { sharedDb } from "@/monitors/queries/shared-db";
import { adminUsers } from "@/monitors/queries/admin-views";
import { ROLES } from "@/monitors/auth/permissions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Users · OpenRegistry status", robots: { index: false } };

/** How the account signs in with GitHub, as the table shows it. */
function githubLabel(u: { githubId: string | null; githubLogin: string | null; githubByMembership: boolean }): string {
  if (!u.githubId && !u.githubLogin) return "not linked";
  const who = u.githubLogin ? `@${u.githubLogin}` : `id ${u.githubId}`;
  if (!u.githubId) return `${who} (not yet signed in)`;
  return u.githubByMembership ? `${who} (through membership)` : who;
}

export default async function Users() {
  const user = await requireUser("/admin/users", "user.write");
  const users = await adminUsers(await sharedDb());
  const roleOptions = ROLES.map((r) => ({ value: r, label: r }));
  return (
    <>
      <AdminNav user={user} />
      <h2>Users</h2>
      <table className="admin-table">
        <thead>
          <tr>
            <th>Email</th>
            <th>Role</th>
            <th>State</th>
            <th>GitHub</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid="user">
              <td>{u.email}</td>
              <td>
                <CommandForm
                  action="user.role"
                  fields={[
                    { kind: "hidden", name: "id", value: String(u.id) },
                    { kind: "select", name: "role", label: "Role", options: roleOptions, defaultValue: u.role },
                  ]}
                  submit="Set role"
                  inline
                />
              </td>
              <td>{u.disabledAt ? "disabled" : u.lockedUntil && u.lockedUntil > new Date() ? "locked (failed logins)" : "active"}</td>
              <td data-testid="user-github">
                {githubLabel(u)}
                <CommandForm
                  action="user.github"
                  fields={[
                    { kind: "hidden", name: "id", value: String(u.id) },
                    {
                      kind: "text",
                      name: "github",
                      label: "GitHub login",
                      defaultValue: u.githubLogin ?? "",
                      help: "Empty removes the link.",
                    },
                  ]}
                  submit="Link"
                  inline
                />
              </td>
              <td>
                {u.id !== user.id && (
                  <CommandForm
                    action="user.disable"
                    fields={[
                      { kind: "hidden", name: "id", value: String(u.id) },
                      { kind: "hidden", name: "disabled", value: u.disabledAt ? "" : "1" },
                    ]}
                    submit={u.disabledAt ? "Enable" : "Disable"}
                    inline
                    danger={!u.disabledAt}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <section aria-labelledby="new-user-h">
        <h3 id="new-user-h">Add a user</h3>
        <CommandForm
          action="user.create"
          submit="Add user"
          fields={[
            { kind: "email", name: "email", label: "Email" },
            { kind: "select", name: "role", label: "Role", options: roleOptions, defaultValue: "responder" },
            { kind: "password", name: "password", label: "Password (empty: generate one and show it once)", autoComplete: "new-password" },
          ]}
        />
      </section>
    </>
  );
}
