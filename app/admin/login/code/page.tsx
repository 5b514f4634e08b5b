import { CommandForm } from "../../_ui/CommandForm";
import { safeNextPath } from "@/monitors/admin/safe-next";

export const dynamic = "force-dynamic";
export const metadata = { title: "Two-factor code · OpenRegistry status", robots: { index: false } };

// The second step of a GitHub sign-in to an account with two-factor on (README, "Maintainers' area").
export default async function SecondFactorStep({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <section className="login">
      <h1>Two-factor code</h1>
      <p>GitHub signed you in. This account also uses two-factor authentication: enter the code to finish.</p>
      <CommandForm
        action="login-code"
        submit="Continue"
        fields={[
          {
            kind: "text",
            name: "code",
            label: "Two-factor code",
            help: "The 6 digits from your app, or a recovery code.",
            autoComplete: "one-time-code",
          },
          { kind: "hidden", name: "next", value: safeNextPath(typeof next === "string" ? next : undefined) },
        ]}
      />
      <p>
        <a href="/admin/login">Start again</a>
      </p>
    </section>
  );
}
