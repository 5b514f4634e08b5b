import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A GitHub account as the loopback server plays it. */
export interface FakeGithubUser {
  id: number;
  login: string;
  /** [address, primary, verified] */
  emails?: Array<[string, boolean, boolean]>;
  /** Organisations of which the user is an active member. */
  orgs?: string[];
  /** "org/team-slug" of which the user is an active member. */
  teams?: string[];
}

interface IssuedCode {
  user: FakeGithubUser;
  challenge: string;
  method: string;
  redirectUri: string | null;
  used: boolean;
}

/**
 * GitHub's OAuth and REST endpoints on 127.0.0.1, written for the tests: authorize redirects
 * straight back with a code (as GitHub does for an app the user already authorised), the token
 * endpoint checks the client secret (HTTP Basic, as arctic sends it), the PKCE verifier against the
 * challenge, the redirect URI, and that each code is traded once, answering refusals the way
 * GitHub does (status 200 with {"error": …}); user, emails and membership answer for the token.
 */
export async function startFakeGithub(opts: { clientId: string; clientSecret: string }) {
  let signedInAs: FakeGithubUser | null = null;
  /** "500": the token endpoint fails with status 500. */
  let tokenFault: "500" | null = null;
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, FakeGithubUser>();
  const authorizeRequests: URL[] = [];
  const tokenAnswers: Array<Record<string, unknown> | number> = [];

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    let s = "";
    for await (const chunk of req) s += chunk;
    return s;
  };
  const bearer = (req: IncomingMessage) => tokens.get((req.headers.authorization ?? "").replace(/^Bearer /, "")) ?? null;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
      authorizeRequests.push(url);
      const redirectUri = url.searchParams.get("redirect_uri");
      if (url.searchParams.get("client_id") !== opts.clientId || !redirectUri) return send(res, 400, { error: "bad authorize request" });
      const back = new URL(redirectUri);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      if (!signedInAs) back.searchParams.set("error", "access_denied");
      else {
        const code = randomBytes(10).toString("hex");
        codes.set(code, {
          user: signedInAs,
          challenge: url.searchParams.get("code_challenge") ?? "",
          method: url.searchParams.get("code_challenge_method") ?? "",
          redirectUri,
          used: false,
        });
        back.searchParams.set("code", code);
      }
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
      const form = new URLSearchParams(await readBody(req));
      const answer = (body: Record<string, unknown> | number) => {
        tokenAnswers.push(body);
        return typeof body === "number" ? send(res, body, { message: "Server Error" }) : send(res, 200, body);
      };
      if (tokenFault === "500") return answer(500);
      const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
      if (basic !== `${opts.clientId}:${opts.clientSecret}`) return answer({ error: "incorrect_client_credentials" });
      const issued = codes.get(form.get("code") ?? "");
      if (!issued || issued.used) return answer({ error: "bad_verification_code" });
      issued.used = true;
      const verifier = form.get("code_verifier") ?? "";
      const computed = createHash("sha256").update(verifier).digest("base64url");
      if (issued.method !== "S256" || computed !== issued.challenge)
        return answer({ error: "bad_verification_code", error_description: "PKCE" });
      if (form.get("redirect_uri") !== issued.redirectUri) return answer({ error: "redirect_uri_mismatch" });
      const token = `gho_${randomBytes(16).toString("hex")}`;
      tokens.set(token, issued.user);
      return answer({ access_token: token, token_type: "bearer", scope: "" });
    }
    const user = bearer(req);
    if (!user) return send(res, 401, { message: "Bad credentials" });
    if (url.pathname === "/user") return send(res, 200, { id: user.id, login: user.login, name: null });
    if (url.pathname === "/user/emails")
      return send(
        res,
        200,
        (user.emails ?? []).map(([email, primary, verified]) => ({ email, primary, verified, visibility: null })),
      );
    let m = /^\/user\/memberships\/orgs\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const org = decodeURIComponent(m[1]);
      return (user.orgs ?? []).includes(org)
        ? send(res, 200, { state: "active", role: "member", organization: { login: org } })
        : send(res, 404, { message: "Not Found" });
    }
    m = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const [org, team, login] = m.slice(1).map(decodeURIComponent);
      return login === user.login && (user.teams ?? []).includes(`${org}/${team}`)
        ? send(res, 200, { state: "active", role: "member" })
        : send(res, 404, { message: "Not Found" });
    }
    return send(res, 404, { message: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** Who "is signed in on GitHub" and approves; null: the user cancels (error=access_denied). */
    signInAs(user: FakeGithubUser | null) {
      signedInAs = user;
    },
    failTokenEndpoint(fault: "500" | null) {
      tokenFault = fault;
    },
    authorizeRequests,
    tokenAnswers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeGithub = Awaited<ReturnType<typeof startFakeGithub>>;
