import type { Env } from "../config/secrets";

/** Name and address that notifications link to. The agent has no request to read a host from, so PUBLIC_URL matters here. */
export function siteInfo(env: Env = process.env): { name: string; url: string } {
  const port = env.PORT ?? "3000";
  return { name: env.SITE_NAME ?? "OpenRegistry status", url: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, "") };
}
