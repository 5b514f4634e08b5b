type Headers = { get(name: string): string | null };
type Env = Record<string, string | undefined>;

// Loopback names are always the site itself; any other host must be named by the operator.
const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];

/** The host names the operator allows links to be built from: ALLOWED_HOSTS (comma-separated) plus loopback. */
export function allowedHosts(env: Env = process.env): Set<string> {
  const listed = (env.ALLOWED_HOSTS ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return new Set([...LOOPBACK, ...listed]);
}

function first(value: string | null): string | null {
  const v = value?.split(",")[0].trim();
  return v ? v : null;
}

/** "Status.Example:8080" → "status.example"; null for anything that is not a plain host[:port]. */
function hostnameOf(host: string): string | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(host);
  return m ? m[1].toLowerCase() : null;
}

/**
 * The site's public base URL for links that leave the page (feeds, the API's page.url, emailed
 * confirmation links). PUBLIC_URL wins. Otherwise the request's host, but only when it is one the
 * operator allowed (ALLOWED_HOSTS, or loopback): a Host header is whatever the client typed, and a
 * link built from a forged one would send our own mail, or a cached answer, pointing at someone
 * else's site. X-Forwarded-Host/-Proto count only with TRUST_PROXY=1. Anything else gets the
 * address the agent uses for notifications, http://localhost:$PORT.
 */
export function publicBaseUrl(headers: Headers, env: Env = process.env): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/$/, "");
  const trustProxy = env.TRUST_PROXY === "1";
  const host = (trustProxy ? first(headers.get("x-forwarded-host")) : null) ?? first(headers.get("host"));
  const name = host ? hostnameOf(host) : null;
  if (host && name && allowedHosts(env).has(name)) {
    const proto = trustProxy ? first(headers.get("x-forwarded-proto")) : null;
    return `${proto === "https" ? "https" : "http"}://${host.toLowerCase()}`;
  }
  return `http://localhost:${env.PORT || "3000"}`;
}
