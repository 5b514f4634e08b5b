import type { z } from "zod";
import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import { adminCommand } from "../admin/command-registry";
import { FieldError, NotFoundError, type Actor } from "../admin/admin-command";
import { announceChange } from "../store/change-feed";
import { authenticateApiToken, type ApiCaller } from "../auth/api-tokens";
import { scopesGrant } from "../auth/api-scopes";
import { hit } from "../auth/rate-limit";
import { isBusyError, withBusyRetry } from "../store/busy-retry";
import { answerWhenBusy } from "../api/busy-answer";
import { readBodyText, TOO_LARGE } from "../api/request-body";
import { ApiNotFound, matchRoute, type ApiInput, type ApiRoute } from "./routes";
import { openApiDocument } from "./openapi";

/** Request bodies above this are refused with 413, read no further. */
export const API_MAX_BODY_BYTES = 64 * 1024;
/** Requests per token per minute (API_RATE_LIMIT overrides). */
export const DEFAULT_API_RATE_LIMIT = 120;

type Where = "body" | "path" | "query";
interface Problem {
  in: Where;
  path: string;
  message: string;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}

const invalid = (problems: Problem[]) =>
  json(400, { error: `invalid request: ${problems.length} problem${problems.length === 1 ? "" : "s"}`, problems });

/** "monitors.registry-api", "scopes[1]", "" for the whole part. */
function dotted(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i ? "." : ""}${String(k)}`)).join("");
}

function problemsOf(where: Where, error: z.ZodError): Problem[] {
  return error.issues.map((i) => ({ in: where, path: dotted(i.path), message: i.message }));
}

function rateLimit(env: Env): number {
  const n = Number(env.API_RATE_LIMIT);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_API_RATE_LIMIT;
}

/**
 * Every request to /api/admin/v1/<path>: the token (401), its rate limit (429), the route's scope
 * (403 naming it), the body (413 over 64 KB, 400 for bad JSON or fields, one problem per entry),
 * then the command or the read. Nothing here logs a header: the token never reaches a log line.
 */
export async function handleManagementApi(method: string, path: string, req: Request, db: Db, env: Env = process.env): Promise<Response> {
  return answerWhenBusy(() => handle(method.toUpperCase(), path, req, db, env));
}

async function handle(method: string, path: string, req: Request, db: Db, env: Env): Promise<Response> {
  if (path === "/openapi.json" && (method === "GET" || method === "HEAD"))
    return json(200, openApiDocument(), { "access-control-allow-origin": "*" });
  const matched = matchRoute(method, path);
  if (!matched)
    return json(404, {
      error: `no such endpoint: ${method} /api/admin/v1${path.slice(0, 200)} (the list is in /api/admin/v1/openapi.json)`,
    });
  if ("allowed" in matched)
    return json(
      405,
      { error: `${method} is not allowed here; use ${matched.allowed.join(" or ")}` },
      { allow: matched.allowed.join(", ") },
    );
  const { route, params } = matched;

  const now = new Date();
  const auth = await withBusyRetry(() => authenticateApiToken(db, req.headers.get("authorization"), now));
  if (!auth.ok) return json(401, { error: auth.error }, { "www-authenticate": 'Bearer realm="status management API"' });
  const caller = auth.caller;
  const limit = rateLimit(env);
  const count = await withBusyRetry(() => hit(db, `api-token:${caller.tokenId}`, { limit, windowMs: 60_000, now }));
  if (!count.allowed) {
    const retryAfter = Math.max(1, Math.ceil((count.resetAt.getTime() - now.getTime()) / 1000));
    return json(
      429,
      { error: `rate limit: at most ${limit} requests a minute per token; try again in ${retryAfter} s` },
      { "retry-after": String(retryAfter) },
    );
  }
  if (!caller.scopes.includes(route.scope))
    return json(403, { error: `this token lacks the scope ${route.scope}`, requiredScope: route.scope });

  const input: ApiInput = { params: {}, query: {}, body: {} };
  const problems: Problem[] = [];
  if (route.params) {
    const p = route.params.safeParse(params);
    if (p.success) input.params = p.data;
    else problems.push(...problemsOf("path", p.error));
  }
  if (route.query) {
    const q = route.query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (q.success) input.query = q.data;
    else problems.push(...problemsOf("query", q.error));
  }
  if (route.body || method === "POST" || method === "PUT") {
    const text = await readBodyText(req, API_MAX_BODY_BYTES);
    if (text === TOO_LARGE) return json(413, { error: `request body too large: at most ${API_MAX_BODY_BYTES / 1024} KB` });
    let raw: unknown = {};
    if (text.trim()) {
      try {
        raw = JSON.parse(text);
      } catch (e) {
        return invalid([{ in: "body", path: "", message: `not valid JSON (${(e as Error).message})` }]);
      }
    }
    if (route.body) {
      const b = route.body.safeParse(raw);
      if (b.success) input.body = b.data;
      else problems.push(...problemsOf("body", b.error));
    } else if (typeof raw !== "object" || raw === null || Array.isArray(raw) || Object.keys(raw).length) {
      problems.push({ in: "body", path: "", message: "this endpoint takes no body (send none or {})" });
    }
  }
  if (problems.length) return invalid(problems);

  const ctx = { db, env, now, actor: tokenActor(caller) };
  try {
    let createdId: number | undefined;
    if (route.command) createdId = await runCommand(route, ctx, input);
    const answer = await route.answer(ctx, input, createdId);
    if (route.command || route.writes) await announceChange(db, route.command ?? route.path);
    return json(route.status, answer);
  } catch (e) {
    if (e instanceof ApiNotFound || e instanceof NotFoundError)
      return json(404, { error: e instanceof NotFoundError ? e.message : `not found: ${path.slice(0, 200)}` });
    if (e instanceof FieldError) {
      // "form" problems are about the resource's state (already resolved, already over): a conflict.
      if (e.field === "form") return json(409, { error: e.message });
      return invalid([{ in: route.params?.shape[e.field] ? "path" : "body", path: e.field, message: e.message }]);
    }
    if (isBusyError(e)) throw e; // answered 503 by answerWhenBusy
    console.error(`management API ${method} ${route.path} failed: ${(e as Error).stack ?? e}`);
    return json(500, { error: "the request failed on the server; if it was a write, nothing was changed" });
  }
}

function tokenActor(caller: ApiCaller): Actor {
  return { id: null, email: null, role: "token", apiToken: { id: caller.tokenId, name: caller.name } };
}

async function runCommand(
  route: ApiRoute,
  ctx: { db: Db; env: Env; now: Date; actor: Actor },
  input: ApiInput,
): Promise<number | undefined> {
  const command = adminCommand(route.command!)!;
  // The scope was checked above; the command's permission must be one the scope grants.
  if (!scopesGrant([route.scope], command.permission))
    throw new Error(`route ${route.path}: scope ${route.scope} does not grant ${command.permission}`);
  const outcome = await withBusyRetry(() => command.run(ctx, { ...input.body, ...input.params }));
  return outcome.createdId;
}
