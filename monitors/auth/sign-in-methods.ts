import type { Env } from "../core/env";
import { isRole, ROLES, type Role } from "./permissions";

/** Sign-in with GitHub as the environment configures it (README, "Maintainers' area"). */
export interface GithubConfig {
  clientId: string;
  clientSecret: string;
  /** Where browsers authorize and the server trades the code: https://github.com (GITHUB_URL). */
  webUrl: string;
  /** GitHub's REST API: https://api.github.com (GITHUB_API_URL). */
  apiUrl: string;
  /** Members of this organisation (and, with `team`, of this team in it) get in without being linked. */
  org: string | null;
  team: string | null;
  /** The role of an account made for a member at their first sign-in. */
  role: Role;
}

export interface SignInMethods {
  /** PASSWORD_LOGIN=0 turns the email and password form off; the command line still works. */
  password: boolean;
  /** null when GitHub is not configured, or configured wrongly (then `githubProblem` says why). */
  github: GithubConfig | null;
  githubProblem: string | null;
}

// GitHub's own rules for organisation logins and team slugs, so nothing else reaches a URL path.
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/;

function baseUrl(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim() || fallback;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`${name} must be a URL such as ${fallback}, got ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error(`${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  return raw.replace(/\/+$/, "");
}

function parseGithub(env: Env): GithubConfig | null {
  const clientId = env.GITHUB_CLIENT_ID?.trim() ?? "";
  const clientSecret = env.GITHUB_CLIENT_SECRET?.trim() ?? "";
  if (!clientId && !clientSecret) return null;
  if (!clientId) throw new Error("GITHUB_CLIENT_SECRET is set but GITHUB_CLIENT_ID is not");
  if (!clientSecret) throw new Error("GITHUB_CLIENT_ID is set but GITHUB_CLIENT_SECRET is not");
  const org = env.GITHUB_ORG?.trim() || null;
  const team = env.GITHUB_TEAM?.trim() || null;
  if (org && !NAME.test(org)) throw new Error(`GITHUB_ORG must be an organisation's login, got ${JSON.stringify(org)}`);
  if (team && !org) throw new Error("GITHUB_TEAM needs GITHUB_ORG (the organisation the team belongs to)");
  if (team && !NAME.test(team)) throw new Error(`GITHUB_TEAM must be a team's slug (as in its URL), got ${JSON.stringify(team)}`);
  const role = env.GITHUB_ROLE?.trim() || "responder";
  if (!isRole(role)) throw new Error(`GITHUB_ROLE must be ${ROLES.join(" or ")}, got ${JSON.stringify(role)}`);
  if (env.GITHUB_ROLE?.trim() && !org) throw new Error("GITHUB_ROLE needs GITHUB_ORG (it is the role given to its members)");
  return {
    clientId,
    clientSecret,
    webUrl: baseUrl(env, "GITHUB_URL", "https://github.com"),
    apiUrl: baseUrl(env, "GITHUB_API_URL", "https://api.github.com"),
    org,
    team,
    role,
  };
}

/** Which ways of signing in this site offers. A wrong GitHub setting disables GitHub and is named, never guessed around. */
export function signInMethods(env: Env = process.env): SignInMethods {
  const password = env.PASSWORD_LOGIN?.trim() !== "0";
  try {
    return { password, github: parseGithub(env), githubProblem: null };
  } catch (e) {
    return { password, github: null, githubProblem: (e as Error).message };
  }
}

export const PASSWORD_LOGIN_OFF =
  "Password sign-in is turned off on this site (PASSWORD_LOGIN=0): use Sign in with GitHub. An operator can still manage accounts with npm run admin.";
