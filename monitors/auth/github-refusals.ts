import type { Env } from "../core/env";
import { signInMethods } from "./sign-in-methods";

/**
 * Why a sign-in with GitHub was refused, as the login page says it (the callback redirects there
 * with ?failed=<reason>). Fixed sentences: nothing from GitHub's answer but a validated login.
 */
export const GITHUB_REFUSAL_REASONS = [
  "not-configured",
  "too-many",
  "state-missing",
  "state-mismatch",
  "state-used",
  "denied",
  "token",
  "github-error",
  "not-linked",
  "not-member",
  "no-email",
  "email-taken",
  "disabled",
] as const;
export type GithubRefusalReason = (typeof GITHUB_REFUSAL_REASONS)[number];

export function isGithubRefusalReason(x: unknown): x is GithubRefusalReason {
  return typeof x === "string" && (GITHUB_REFUSAL_REASONS as readonly string[]).includes(x);
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** The sentence the login page shows for a refusal; `login` is the GitHub login when the refusal concerns one. */
export function githubRefusalText(reason: GithubRefusalReason, login: string | undefined, env: Env = process.env): string {
  const who = login && LOGIN.test(login) ? `@${login}` : "Your GitHub account";
  const { github, githubProblem } = signInMethods(env);
  const group = github?.org ? (github.team ? `the team ${github.org}/${github.team}` : `the organisation ${github.org}`) : "";
  switch (reason) {
    case "not-configured":
      return githubProblem
        ? `Sign-in with GitHub is misconfigured on this site: ${githubProblem}.`
        : "Sign-in with GitHub is not set up on this site (GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET).";
    case "too-many":
      return "Too many sign-in attempts from this address. Try again in 15 minutes.";
    case "state-missing":
      return "This sign-in with GitHub cannot be checked: this browser holds no record of starting it (it lasts 10 minutes and works only in the browser that started it). Start again.";
    case "state-mismatch":
      return "Refused: the answer from GitHub does not belong to the sign-in this browser started. Start again.";
    case "state-used":
      return "This sign-in with GitHub was used already or has expired. Start again.";
    case "denied":
      return "GitHub did not sign you in: the request was cancelled or refused on GitHub.";
    case "token":
      return "GitHub refused to complete the sign-in. Start again; if it keeps failing, an admin finds the reason in the audit log.";
    case "github-error":
      return "GitHub could not be reached or answered with an error. Try again in a moment.";
    case "not-linked":
      return `${who} is not linked to a maintainer account here. Ask an admin to link it (npm run admin -- link-github).`;
    case "not-member":
      return group
        ? `${who} is not an active member of ${group}, which this site requires.`
        : `${who} signed in through membership, which this site no longer configures (GITHUB_ORG). Ask an admin.`;
    case "no-email":
      return `${who} has no verified primary email address on GitHub; an account needs one. Verify it on GitHub, or ask an admin to link your account.`;
    case "email-taken":
      return `An account with the email of ${who} exists here but is not linked to GitHub. Ask an admin to link it (npm run admin -- link-github).`;
    case "disabled":
      return "This maintainer account is disabled.";
  }
}
