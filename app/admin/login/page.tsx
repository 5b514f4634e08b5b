import { CommandForm } from "../_ui/CommandForm";
import { safeNextPath } from "@/monitors/admin/safe-next";
import { signInMethods } from "@/monitors/auth/sign-in-methods";
import { githubRefusalText, isGithubRefusalReason } from "@/monitors/auth/github-refusals";
import { GITHUB_START_PATH } from "@/monitors/admin/handle-github-sign-in";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · OpenRegistry status", robots: { index: false } };

type Params = { next?: string | string[]; failed?: string | string[]; github?: string | string[] };

export default async function Login({ searchParams }: { searchParams: Promise<Params> }) {
  const { next, failed, github: githubLogin } = await searchParams;
  const nextPath = safeNextPath(typeof next === "string" ? next : undefined);
  const methods = signInMethods();
  const refusal = isGithubRefusalReason(failed)
    ? githubRefusalText(failed, typeof githubLogin === "string" ? githubLogin : undefined)
    : null;
  return (
    <section className="login">
      <h1>Maintainers</h1>
      {refusal && (
        <p role="alert" className="form-error" data-testid="sign-in-refused">
          {refusal}
        </p>
      )}
      {(methods.github || methods.githubProblem) && (
        <p>
          {/* A plain link: the server answers with the redirect to GitHub and sets the state cookie. */}
          <a className="button" href={`${GITHUB_START_PATH}?${new URLSearchParams({ next: nextPath })}`}>
            Sign in with GitHub
          </a>
        </p>
      )}
      {methods.password ? (
        <CommandForm
          action="login"
          submit="Sign in"
          fields={[
            { kind: "email", name: "email", label: "Email", autoComplete: "username" },
            { kind: "password", name: "password", label: "Password", autoComplete: "current-password" },
            {
              kind: "text",
              name: "code",
              label: "Two-factor code",
              help: "Only if two-factor authentication is on for your account: the 6 digits from your app, or a recovery code.",
              autoComplete: "one-time-code",
            },
            { kind: "hidden", name: "next", value: nextPath },
          ]}
        />
      ) : (
        <p data-testid="password-off">
          Password sign-in is turned off on this site.
          {!methods.github && " Sign-in with GitHub is not set up either: an operator can manage accounts with npm run admin."}
        </p>
      )}
    </section>
  );
}
