import { SESSION_COOKIE } from "@/monitors/auth/sessions";

export interface AdminPostResult {
  status: number;
  json: Record<string, unknown> | undefined;
  headers: Headers;
}

export interface AdminPostOptions {
  /** Session token sent as the status_session cookie. */
  session?: string;
  /** Origin header; null sends none. Defaults to the site's own origin. */
  origin?: string | null;
  /** Whether to send x-status-request: 1 (default true). */
  csrfHeader?: boolean;
  headers?: Record<string, string>;
  /** A raw body instead of JSON. */
  raw?: string;
}

/** POSTs an admin command the way the admin pages do (CSRF header, same-site Origin, session cookie). */
export async function postAdmin(siteUrl: string, name: string, body: unknown, opts: AdminPostOptions = {}): Promise<AdminPostResult> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.csrfHeader !== false) headers["x-status-request"] = "1";
  if (opts.origin !== null) headers.origin = opts.origin ?? siteUrl;
  if (opts.session !== undefined) headers.cookie = `${SESSION_COOKIE}=${opts.session}`;
  Object.assign(headers, opts.headers);
  const r = await fetch(`${siteUrl}/admin/api/${name}`, {
    method: "POST",
    headers,
    body: opts.raw ?? JSON.stringify(body),
    redirect: "manual",
  });
  const text = await r.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: r.status, json, headers: r.headers };
}
