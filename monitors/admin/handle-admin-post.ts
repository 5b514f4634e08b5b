import { z } from "zod";
import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import { adminCommand } from "./command-registry";
import { FieldError, type CommandOutcome } from "./admin-command";
import { fieldErrors } from "./form-fields";
import { clientIp, csrfProblem } from "./request-guard";
import { safeNextPath } from "./safe-next";
import { can } from "../auth/permissions";
import { login } from "../auth/login";
import { mustEnrolSecondFactor } from "../auth/second-factor";
import { PASSWORD_LOGIN_OFF, signInMethods } from "../auth/sign-in-methods";
import { clearedPendingCookie, finishPendingSignIn, PENDING_COOKIE } from "../auth/pending-sign-in";
import { ACCOUNT_PAGE, ENROLMENT_COMMANDS } from "./two-factor-commands";
import { SESSION_COOKIE, clearedSessionCookie, deleteSession, isSecureRequest, sessionCookie, sessionUser } from "../auth/sessions";
import { renderMarkdown } from "../presentation/markdown";
import { isBusyError, withBusyRetry } from "../store/busy-retry";
import { announceChange } from "../store/change-feed";
import { readBodyText, tooLargeResponse, TOO_LARGE } from "../api/request-body";
import { answerWhenBusy } from "../api/busy-answer";

const MAX_BODY_BYTES = 512 * 1024;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

export function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

async function readJson(req: Request): Promise<Record<string, unknown> | Response> {
  // Read up to the limit and no further: sign-in takes bodies before anyone is authenticated.
  const text = await readBodyText(req, MAX_BODY_BYTES);
  if (text === TOO_LARGE) return tooLargeResponse(MAX_BODY_BYTES);
  try {
    const v = JSON.parse(text || "{}");
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* answered below */
  }
  return json(400, { error: "the body must be a JSON object" });
}

const loginInput = z.object({
  email: z.string({ error: "must be text" }).max(254, "at most 254 characters").default(""),
  password: z.string({ error: "must be text" }).max(1024, "at most 1024 characters").default(""),
  /** A TOTP code or a recovery code, for accounts with two-factor on. */
  code: z.string({ error: "must be text" }).max(64, "at most 64 characters").optional(),
  next: z.string({ error: "must be text" }).max(2000, "at most 2000 characters").optional(),
});

const loginCodeInput = z.object({
  code: z.string({ error: "must be text" }).max(64, "at most 64 characters").default(""),
  next: z.string({ error: "must be text" }).max(2000, "at most 2000 characters").optional(),
});

/**
 * Every POST of the maintainers' area: CSRF check, then sign-in/out, or a command from the
 * registry with its session, permission and input checked here, on the server, before it runs.
 */
export async function handleAdminPost(name: string, req: Request, db: Db, env: Env = process.env): Promise<Response> {
  // A database still locked after the retries is a 503 with Retry-After, not an empty 500.
  return answerWhenBusy(() => handle(name, req, db, env));
}

async function handle(name: string, req: Request, db: Db, env: Env): Promise<Response> {
  const csrf = csrfProblem(req.headers, env.PUBLIC_URL);
  if (csrf) return json(403, { error: `refused: ${csrf}` });
  const body = await readJson(req);
  if (body instanceof Response) return body;
  const secure = isSecureRequest(req.headers, env.PUBLIC_URL);

  if (name === "login") {
    if (!signInMethods(env).password) return json(403, { errors: { form: PASSWORD_LOGIN_OFF } });
    // A wrong type (a number as email, an object as password) is the client's mistake: 400 naming the field.
    const parsed = loginInput.safeParse(body);
    if (!parsed.success) return json(400, { errors: fieldErrors(parsed.error) });
    const input = parsed.data;
    const r = await withBusyRetry(() =>
      login(db, { email: input.email, password: input.password, code: input.code, ip: clientIp(req.headers, env), env }),
    );
    if (!r.ok)
      return json(
        r.retryAfterSec ? 429 : 401,
        { errors: { form: r.error } },
        r.retryAfterSec ? { "retry-after": String(r.retryAfterSec) } : {},
      );
    return json(200, { ok: true, redirect: safeNextPath(input.next) }, { "set-cookie": sessionCookie(r.token, r.expiresAt, { secure }) });
  }

  if (name === "login-code") {
    // The second step of a GitHub sign-in to an account with two-factor on (monitors/auth/pending-sign-in.ts).
    const parsed = loginCodeInput.safeParse(body);
    if (!parsed.success) return json(400, { errors: fieldErrors(parsed.error) });
    const r = await withBusyRetry(() =>
      finishPendingSignIn(db, {
        token: cookieValue(req.headers.get("cookie"), PENDING_COOKIE),
        code: parsed.data.code,
        ip: clientIp(req.headers, env),
        env,
      }),
    );
    if (!r.ok) return json(401, { errors: { form: r.error } });
    const headers = new Headers({ "content-type": "application/json", "cache-control": "no-store" });
    headers.append("set-cookie", sessionCookie(r.token, r.expiresAt, { secure }));
    headers.append("set-cookie", clearedPendingCookie({ secure }));
    return new Response(JSON.stringify({ ok: true, redirect: safeNextPath(parsed.data.next) }), { status: 200, headers });
  }

  const token = cookieValue(req.headers.get("cookie"), SESSION_COOKIE);
  const user = await sessionUser(db, token);
  if (!user) return json(401, { error: "sign in first", redirect: "/admin/login" });

  if (name === "logout") {
    if (token) await deleteSession(db, token);
    return json(200, { ok: true, redirect: "/admin/login" }, { "set-cookie": clearedSessionCookie({ secure }) });
  }
  if (name === "preview") {
    const markdown = typeof body.markdown === "string" ? body.markdown.slice(0, 100_000) : "";
    return json(200, { html: renderMarkdown(markdown) });
  }

  const command = adminCommand(name);
  if (!command) return json(404, { error: `unknown action ${JSON.stringify(name.slice(0, 60))}` });
  // REQUIRE_2FA=1: an admin without two-factor may only set it up (and sign out, above).
  if (mustEnrolSecondFactor(user, env) && !ENROLMENT_COMMANDS.has(name))
    return json(403, { error: "Two-factor authentication is required for admins: set it up first.", redirect: ACCOUNT_PAGE });
  if (!can(user.role, command.permission)) return json(403, { error: `your role (${user.role}) may not do this` });
  const parsed = command.input.safeParse(body);
  if (!parsed.success) return json(400, { errors: fieldErrors(parsed.error) });
  let outcome: CommandOutcome;
  try {
    outcome = await withBusyRetry(() =>
      command.run({ db, actor: { id: user.id, email: user.email, role: user.role }, now: new Date(), env }, parsed.data),
    );
  } catch (e) {
    if (e instanceof FieldError) return json(400, { errors: { [e.field]: e.message } });
    if (isBusyError(e)) throw e; // answered 503 by answerWhenBusy
    console.error(`admin ${name} failed: ${(e as Error).stack ?? e}`);
    return json(500, { error: "the change could not be saved; nothing was changed" });
  }
  await announceChange(db, name);
  return json(200, { ok: true, ...outcome });
}
