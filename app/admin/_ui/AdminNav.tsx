import type { SessionUser } from "@/monitors/auth/sessions";
import { can } from "@/monitors/auth/permissions";
import { CommandForm } from "./CommandForm";

export function AdminNav({ user }: { user: SessionUser }) {
  return (
    <header className="site admin">
      <h1>
        <a href="/admin">Maintainers</a>
      </h1>
      <nav aria-label="Maintainers">
        <a href="/admin">Dashboard</a>
        <a href="/admin/incidents/new">New incident</a>
        <a href="/admin/maintenance">Maintenance</a>
        {can(user.role, "channel.write") && <a href="/admin/channels">Channels</a>}
        {can(user.role, "user.write") && <a href="/admin/users">Users</a>}
        {can(user.role, "token.write") && <a href="/admin/tokens">API tokens</a>}
        {can(user.role, "audit.read") && <a href="/admin/audit">Audit log</a>}
        <a href="/admin/account">Your account</a>
        <a href="/">Public page</a>
      </nav>
      <div className="who">
        <span>
          {user.email} ({user.role})
        </span>
        <CommandForm action="logout" fields={[]} submit="Sign out" inline />
      </div>
    </header>
  );
}
