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
import { SESSION_COOKIE, clearedSessionCookie, deleteSession, isSecureRequest, sessionCookie, sessionUser } from "../auth/sessions";
import { renderMarkdown } from "../queries/markdown";
import { withBusyRetry } from "../store/busy-retry";
import { announceChange } from "../store/change-feed";

const MAX_BODY_BYTES = 512 * 1024;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "cache-control": "no-store", ...headers } });
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
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) return json(413, { error: "request too large" });
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) return json(413, { error: "request too large" });
  try {
    const v = JSON.parse(text || "{}");
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* answered below */
  }
  return json(400, { error: "the body must be a JSON object" });
}

export interface AdminPostHooks {
  /**
   * Runs after a command committed, in the request: the route drops this process's cached public
   * pages here (Next's revalidatePath), since the engine does not import Next.js.
   */
  onCommitted?: (command: string) => void;
}

/**
 * After a commit: every web node hears of it (LISTEN/NOTIFY on PostgreSQL), and this process's
 * own caches are dropped through the hook. The change is saved whatever happens here; a node that
 * misses the news shows it when its caches age out (ISR 4 s, micro-cache 1 s, JSON 3 s).
 */
async function publishChange(db: Db, command: string, hooks: AdminPostHooks): Promise<void> {
  try {
    hooks.onCommitted?.(command);
  } catch (e) {
    console.error(`admin ${command}: dropping this node's cached pages failed: ${(e as Error).stack ?? e}`);
  }
  await announceChange(db, command).catch((e) => console.error(`admin ${command}: telling the other web nodes failed: ${(e as Error).message ?? e}`));
}

const loginInput = z.object({ email: z.string().max(254).default(""), password: z.string().max(1024).default(""), next: z.string().max(2000).optional() });

/**
 * Every POST of the maintainers' area: CSRF check, then sign-in/out, or a command from the
 * registry with its session, permission and input checked here, on the server, before it runs.
 */
export async function handleAdminPost(name: string, req: Request, db: Db, env: Env = process.env, hooks: AdminPostHooks = {}): Promise<Response> {
  const csrf = csrfProblem(req.headers, env.PUBLIC_URL);
  if (csrf) return json(403, { error: `refused: ${csrf}` });
  const body = await readJson(req);
  if (body instanceof Response) return body;
  const secure = isSecureRequest(req.headers, env.PUBLIC_URL);

  if (name === "login") {
    const input = loginInput.parse(body);
    const r = await withBusyRetry(() => login(db, { email: input.email, password: input.password, ip: clientIp(req.headers, env) }));
    if (!r.ok) return json(r.retryAfterSec ? 429 : 401, { errors: { form: r.error } }, r.retryAfterSec ? { "retry-after": String(r.retryAfterSec) } : {});
    return json(200, { ok: true, redirect: safeNextPath(input.next) }, { "set-cookie": sessionCookie(r.token, r.expiresAt, { secure }) });
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
  if (!can(user.role, command.permission)) return json(403, { error: `your role (${user.role}) may not do this` });
  const parsed = command.input.safeParse(body);
  if (!parsed.success) return json(400, { errors: fieldErrors(parsed.error) });
  let outcome: CommandOutcome;
  try {
    outcome = await withBusyRetry(() => command.run({ db, actor: user, now: new Date(), env }, parsed.data));
  } catch (e) {
    if (e instanceof FieldError) return json(400, { errors: { [e.field]: e.message } });
    console.error(`admin ${name} failed: ${(e as Error).stack ?? e}`);
    return json(500, { error: "the change could not be saved; nothing was changed" });
  }
  await publishChange(db, name, hooks);
  return json(200, { ok: true, ...outcome });
}
