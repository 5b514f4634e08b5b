import type { GithubConfig } from "./sign-in-methods";

/** Who signed in on GitHub: the numeric id (stable) and the login (can be renamed). */
export interface GithubIdentity {
  id: string;
  login: string;
}

/** GitHub's API could not be asked or answered something unexpected. */
export class GithubApiError extends Error {}

const TIMEOUT_MS = 10_000;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

async function call(cfg: GithubConfig, token: string, path: string): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(`${cfg.apiUrl}${path}`, {
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token}`,
        "user-agent": "openregistry-status",
        "x-github-api-version": "2022-11-28",
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "error",
    });
  } catch (e) {
    throw new GithubApiError(`GET ${path}: ${(e as Error).name === "TimeoutError" ? "timed out" : "could not reach GitHub"}`);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    if (res.ok) throw new GithubApiError(`GET ${path}: the answer is not JSON`);
  }
  return { status: res.status, body };
}

/** GET /user: the account that authorised us. */
export async function githubIdentity(cfg: GithubConfig, token: string): Promise<GithubIdentity> {
  const { status, body } = await call(cfg, token, "/user");
  if (status !== 200) throw new GithubApiError(`GET /user: status ${status}`);
  const u = body as { id?: unknown; login?: unknown };
  if (!Number.isSafeInteger(u?.id) || (u.id as number) <= 0 || typeof u.login !== "string" || !LOGIN.test(u.login))
    throw new GithubApiError("GET /user: no id and login in the answer");
  return { id: String(u.id), login: u.login };
}

/** GET /user/emails: the primary address if GitHub has verified it, else null. */
export async function verifiedPrimaryEmail(cfg: GithubConfig, token: string): Promise<string | null> {
  const { status, body } = await call(cfg, token, "/user/emails");
  if (status !== 200 || !Array.isArray(body)) throw new GithubApiError(`GET /user/emails: status ${status}`);
  const primary = body.find((e) => e && typeof e === "object" && e.primary === true && e.verified === true && typeof e.email === "string");
  return primary ? String(primary.email).trim().toLowerCase() : null;
}

/**
 * Whether the user is an active member of GITHUB_ORG (or of GITHUB_TEAM in it). A pending
 * invitation is not membership. 404 (and 403: GitHub hides organisations the token may not see)
 * mean no; any other failure is an error, never a yes.
 */
export async function isMember(cfg: GithubConfig, token: string, login: string): Promise<boolean> {
  if (!cfg.org) return false;
  const org = encodeURIComponent(cfg.org);
  const path = cfg.team
    ? `/orgs/${org}/teams/${encodeURIComponent(cfg.team)}/memberships/${encodeURIComponent(login)}`
    : `/user/memberships/orgs/${org}`;
  const { status, body } = await call(cfg, token, path);
  if (status === 404 || status === 403) return false;
  if (status !== 200) throw new GithubApiError(`GET ${path}: status ${status}`);
  return (body as { state?: unknown } | null)?.state === "active";
}
