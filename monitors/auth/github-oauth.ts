import { CodeChallengeMethod, OAuth2Client, OAuth2RequestError, generateCodeVerifier, generateState } from "arctic";
import type { GithubConfig } from "./sign-in-methods";

// arctic's generic OAuth 2.0 client rather than its GitHub provider: the provider has GitHub's
// addresses built in and no PKCE, and this site needs both configurable addresses (GitHub
// Enterprise, the tests' loopback server) and PKCE (S256).

/** A refusal of the token endpoint, with GitHub's error code when it gave one (never the code or a token). */
export class GithubTokenError extends Error {
  constructor(
    readonly reason: string,
    /** True when GitHub could not be reached or answered with something other than OAuth JSON. */
    readonly unreachable = false,
  ) {
    super(`GitHub token endpoint: ${reason}`);
  }
}

export function newState(): string {
  return generateState();
}

export function newCodeVerifier(): string {
  return generateCodeVerifier();
}

function client(cfg: GithubConfig, redirectUri: string): OAuth2Client {
  return new OAuth2Client(cfg.clientId, cfg.clientSecret, redirectUri);
}

/** Scopes asked for: none to read who someone is; their emails and org memberships only when membership can let them in. */
export function scopesFor(cfg: GithubConfig): string[] {
  return cfg.org ? ["read:user", "user:email", "read:org"] : [];
}

/** The address that sends the browser to GitHub's consent page. */
export function authorizationUrl(cfg: GithubConfig, redirectUri: string, state: string, codeVerifier: string): URL {
  const url = client(cfg, redirectUri).createAuthorizationURLWithPKCE(
    `${cfg.webUrl}/login/oauth/authorize`,
    state,
    CodeChallengeMethod.S256,
    codeVerifier,
    scopesFor(cfg),
  );
  // GitHub shows its account picker rather than signing in silently as whoever is signed in there.
  url.searchParams.set("allow_signup", "false");
  return url;
}

// GitHub's error codes are short identifiers; anything else is not repeated anywhere.
const ERROR_CODE = /^[a-z_]{1,60}$/;

/** Trades the code (with the PKCE verifier and the client secret) for an access token. */
export async function exchangeCode(cfg: GithubConfig, redirectUri: string, code: string, codeVerifier: string): Promise<string> {
  let data: Record<string, unknown>;
  try {
    const tokens = await client(cfg, redirectUri).validateAuthorizationCode(`${cfg.webUrl}/login/oauth/access_token`, code, codeVerifier);
    data = tokens.data as Record<string, unknown>;
  } catch (e) {
    if (e instanceof OAuth2RequestError) throw new GithubTokenError(ERROR_CODE.test(e.code) ? e.code : "error");
    throw new GithubTokenError(e instanceof Error ? e.message : "failed", true);
  }
  // GitHub answers a refused code with status 200 and {"error": "bad_verification_code"}.
  if (typeof data.error === "string") throw new GithubTokenError(ERROR_CODE.test(data.error) ? data.error : "error");
  if (typeof data.access_token !== "string" || !data.access_token) throw new GithubTokenError("no access_token in the answer");
  return data.access_token;
}
