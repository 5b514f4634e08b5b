/**
 * Cross-site request forgery defence for every maintainer write: the browser must say the
 * request comes from this site (Origin, or Sec-Fetch-Site when Origin is absent), and it must
 * carry a custom header that only same-origin scripts can set (a cross-site form cannot, and a
 * cross-site fetch with it needs a CORS preflight this site never grants). SameSite=Lax on the
 * session cookie is a third layer.
 */
export const CSRF_HEADER = "x-status-request";
export const CSRF_HEADER_VALUE = "1";

interface HeaderBag {
  get(name: string): string | null;
}

export function csrfProblem(headers: HeaderBag, publicUrl?: string, trustProxy = process.env.TRUST_PROXY === "1"): string | null {
  if (headers.get(CSRF_HEADER) !== CSRF_HEADER_VALUE) return "missing request header";
  const origin = headers.get("origin");
  if (origin) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return "bad origin";
    }
    const allowed = new Set<string>();
    // A forwarded host counts only behind a proxy the operator vouches for.
    const host = (trustProxy ? headers.get("x-forwarded-host") : null) ?? headers.get("host");
    if (host) allowed.add(host.split(",")[0].trim());
    if (publicUrl) allowed.add(new URL(publicUrl).host);
    return allowed.has(originHost) ? null : "cross-site request";
  }
  const site = headers.get("sec-fetch-site");
  if (site === "same-origin") return null;
  return "cross-site request";
}

/** The client's address, as the web server saw it (X-Forwarded-For only when the operator trusts the proxy). */
export function clientIp(headers: HeaderBag, env: Record<string, string | undefined> = process.env): string {
  if (env.TRUST_PROXY === "1") {
    const fwd = headers.get("x-forwarded-for");
    if (fwd) return fwd.split(",")[0].trim().slice(0, 64);
  }
  return (headers.get("x-status-client-ip") ?? "unknown").slice(0, 64);
}
