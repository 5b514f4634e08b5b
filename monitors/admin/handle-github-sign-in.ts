import { createHash, timingSafeEqual } from "node:crypto";
import type { Db } from "../store/client";
import type { Env } from "../core/env";
import { audit } from "../auth/audit";
import { hit } from "../auth/rate-limit";
import { LOGIN_IP_LIMIT } from "../auth/login";
import { rememberAddress } from "../auth/known-address";
import { createSession, isSecureRequest, sessionCookie } from "../auth/sessions";
import { signInMethods, type GithubConfig } from "../auth/sign-in-methods";
import { authorizationUrl, exchangeCode, GithubTokenError, newCodeVerifier, newState } from "../auth/github-oauth";
import { GithubApiError, githubIdentity, isMember, verifiedPrimaryEmail, type GithubIdentity } from "../auth/github-api";
import { decideGithubAccount } from "../auth/github-account";
import type { GithubRefusalReason } from "../auth/github-refusals";
import { pendingCookie, startPendingSignIn } from "../auth/pending-sign-in";
import { clientIp } from "./request-guard";
import { safeNextPath } from "./safe-next";
import { publicBaseUrl } from "../presentation/public-url";
import { answerWhenBusy } from "../api/busy-answer";
import { withBusyRetry } from "../store/busy-retry";

export const GITHUB_START_PATH = "/admin/login/github";
export const GITHUB_CALLBACK_PATH = "/admin/login/github/callback";
export const SECOND_FACTOR_PAGE = "/admin/login/code";
/** Holds the state, the PKCE verifier and `next` between the two halves; sent only to the callback. */
export const FLOW_COOKIE = "status_github_flow";
export const FLOW_TTL_MS = 10 * 60_000;
/** Sign-ins started per address per 15 minutes (each writes one short-lived row). */
export const START_IP_LIMIT = { limit: 30, windowMs: 15 * 60_000 };

interface Flow {
  state: string;
  verifier: string;
  next: string;
}

function flowCookie(flow: Flow, secure: boolean): string {
  const value = Buffer.from(JSON.stringify(flow)).toString("base64url");
  return `${FLOW_COOKIE}=${value}; Path=${GITHUB_CALLBACK_PATH}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}; Max-Age=${FLOW_TTL_MS / 1000}`;
}

function clearedFlowCookie(secure: boolean): string {
  return `${FLOW_COOKIE}=; Path=${GITHUB_CALLBACK_PATH}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}; Max-Age=0`;
}

function readFlow(cookieHeader: string | null): Flow | null {
  const raw = cookieHeader
    ?.split(";")
    .map((p) => p.trim())
    .find((p) => p.startsWith(`${FLOW_COOKIE}=`))
    ?.slice(FLOW_COOKIE.length + 1);
  if (!raw || raw.length > 4096) return null;
  try {
    const v = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Partial<Flow>;
    if (typeof v.state === "string" && typeof v.verifier === "string" && typeof v.next === "string")
      return { state: v.state, verifier: v.verifier, next: v.next };
  } catch {
    /* a broken cookie is no flow */
  }
  return null;
}

// The server's half of the state: issued states are kept (hashed) until used or 10 minutes old, so
// a callback is accepted once, and only for a state this site handed out.
function stateKey(state: string): string {
  return `github-state:${createHash("sha256").update(state).digest("hex")}`;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function redirect(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(null, { status: 303, headers });
}

function refusedLocation(reason: GithubRefusalReason, login?: string): string {
  const q = new URLSearchParams({ failed: reason });
  if (login) q.set("github", login);
  return `/admin/login?${q}`;
}

function callbackUrl(req: Request, env: Env): string {
  return `${publicBaseUrl(req.headers, env)}${GITHUB_CALLBACK_PATH}`;
}

/** GET /admin/login/github: sends the browser to GitHub with a fresh state and PKCE challenge. */
export function startGithubSignIn(req: Request, db: Db, env: Env = process.env, now = new Date()): Promise<Response> {
  // A database still locked after the retries is a 503 with Retry-After, as for password sign-in.
  return answerWhenBusy(() => withBusyRetry(() => start(req, db, env, now)));
}

async function start(req: Request, db: Db, env: Env, now: Date): Promise<Response> {
  const { github } = signInMethods(env);
  if (!github) return redirect(refusedLocation("not-configured"));
  const ip = clientIp(req.headers, env);
  const byIp = await hit(db, `github-start-ip:${ip}`, { ...START_IP_LIMIT, now });
  if (!byIp.allowed) return redirect(refusedLocation("too-many"));
  const secure = isSecureRequest(req.headers, env.PUBLIC_URL);
  const flow: Flow = { state: newState(), verifier: newCodeVerifier(), next: safeNextPath(new URL(req.url).searchParams.get("next")) };
  const key = stateKey(flow.state);
  await db.rateLimit.create({ data: { key, count: 0, resetAt: new Date(now.getTime() + FLOW_TTL_MS) } });
  const url = authorizationUrl(github, callbackUrl(req, env), flow.state, flow.verifier);
  return redirect(url.toString(), [flowCookie(flow, secure)]);
}

/**
 * GET /admin/login/github/callback: checks the state against this browser's cookie and the
 * server's record (once, within 10 minutes), trades the code with the PKCE verifier, asks GitHub
 * who it is (and about membership when configured), and signs in as password sign-in does; with
 * two-factor on, it asks for the code first. Every refusal is audited and explained on the login page.
 */
export function finishGithubSignIn(req: Request, db: Db, env: Env = process.env, now = new Date()): Promise<Response> {
  // Not retried as a whole: the code can be traded only once.
  return answerWhenBusy(() => finish(req, db, env, now));
}

async function finish(req: Request, db: Db, env: Env, now: Date): Promise<Response> {
  const secure = isSecureRequest(req.headers, env.PUBLIC_URL);
  const ip = clientIp(req.headers, env);
  const params = new URL(req.url).searchParams;
  const flow = readFlow(req.headers.get("cookie"));
  // The flow cookie is spent whatever happens next.
  const spent = clearedFlowCookie(secure);
  const refuse = async (reason: GithubRefusalReason, details: { userId?: number | null; identity?: GithubIdentity; why?: string } = {}) => {
    await audit(db, {
      userId: details.userId ?? null,
      action: "auth.login_failed",
      details: {
        ip,
        via: "github",
        reason,
        ...(details.identity && { githubLogin: details.identity.login, githubId: details.identity.id }),
        ...(details.why && { why: details.why }),
      },
      at: now,
    });
    return redirect(refusedLocation(reason, details.identity?.login), [spent]);
  };

  const { github } = signInMethods(env);
  if (!github) return redirect(refusedLocation("not-configured"), [spent]);
  const byIp = await hit(db, `login-ip:${ip}`, { ...LOGIN_IP_LIMIT, now });
  if (!byIp.allowed) {
    if (byIp.count === LOGIN_IP_LIMIT.limit + 1) return refuse("too-many");
    return redirect(refusedLocation("too-many"), [spent]);
  }

  const state = params.get("state");
  if (!flow || !state) return refuse("state-missing", { why: !flow ? "no flow cookie" : "no state in the callback" });
  if (!sameText(state, flow.state)) return refuse("state-mismatch");
  // Claimed in one conditional write: a replayed callback finds it gone.
  const claimed = await db.rateLimit.deleteMany({ where: { key: stateKey(state), resetAt: { gt: now } } });
  if (claimed.count !== 1) return refuse("state-used");
  const error = params.get("error");
  if (error) return refuse("denied", { why: /^[a-z_]{1,60}$/.test(error) ? error : "error" });
  const code = params.get("code");
  if (!code || code.length > 512) return refuse("token", { why: "no code in the callback" });

  let identity: GithubIdentity;
  let accessToken: string;
  try {
    accessToken = await exchangeCode(github, callbackUrl(req, env), code, flow.verifier);
    identity = await githubIdentity(github, accessToken);
  } catch (e) {
    if (e instanceof GithubTokenError) return refuse(e.unreachable ? "github-error" : "token", { why: e.reason });
    if (e instanceof GithubApiError) return refuse("github-error", { why: e.message });
    throw e;
  }

  let decision: Awaited<ReturnType<typeof decideGithubAccount>>;
  try {
    decision = await decideGithubAccount(db, github, githubFacts(github, accessToken, identity), now);
  } catch (e) {
    if (e instanceof GithubApiError) return refuse("github-error", { identity, why: e.message });
    throw e;
  }
  if (!decision.ok) return refuse(decision.reason, { identity, userId: decision.userId });
  const { user } = decision;

  const next = safeNextPath(flow.next);
  if (user.totpSecret) {
    const pending = await startPendingSignIn(db, user.id, ip, now);
    return redirect(`${SECOND_FACTOR_PAGE}?${new URLSearchParams({ next })}`, [spent, pendingCookie(pending.token, { secure })]);
  }
  // Always a new random token, as for password sign-in.
  const session = await createSession(db, user.id, ip, now);
  await rememberAddress(db, user.id, ip, now);
  await audit(db, {
    userId: user.id,
    action: "auth.login",
    details: {
      ip,
      via: "github",
      githubLogin: identity.login,
      ...(decision.created && { created: true }),
      ...(decision.pinned && { pinnedGithubId: identity.id }),
    },
    at: now,
  });
  return redirect(next, [spent, sessionCookie(session.token, session.expiresAt, { secure, now })]);
}

function githubFacts(cfg: GithubConfig, token: string, identity: GithubIdentity) {
  let member: Promise<boolean> | undefined;
  return {
    identity,
    isMember: () => {
      member ??= isMember(cfg, token, identity.login);
      return member;
    },
    verifiedEmail: () => verifiedPrimaryEmail(cfg, token),
  };
}
