import { CommandForm } from "../_ui/CommandForm";
import { safeNextPath } from "../../../monitors/admin/safe-next";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · OpenRegistry status", robots: { index: false } };

export default async function Login({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <section className="login">
      <h1>Maintainers</h1>
      <CommandForm
        action="login"
        submit="Sign in"
        fields={[
          { kind: "email", name: "email", label: "Email", autoComplete: "username" },
          { kind: "password", name: "password", label: "Password", autoComplete: "current-password" },
          { kind: "hidden", name: "next", value: safeNextPath(typeof next === "string" ? next : undefined) },
        ]}
      />
    </section>
  );
}
