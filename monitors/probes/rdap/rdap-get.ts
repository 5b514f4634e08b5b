import { header, type CappedResponse, type StepHttpClient } from "../http-client";

/** Redirects an RDAP query may take: redirect services (rdap.org) and registries use one or two. */
export const MAX_RDAP_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A redirect that cannot be followed: no Location, not http(s), or too many of them. */
export class RdapRedirectError extends Error {
  override name = "RdapRedirectError";
}

export interface RdapAnswer extends CappedResponse {
  /** The URL that gave this answer, after redirects. */
  url: URL;
  redirects: number;
}

/**
 * GETs an RDAP URL with the probe's client (its timeout and byte cap), following redirects
 * itself, as RFC 7480 §5.2 expects of clients, up to MAX_RDAP_REDIRECTS.
 */
export async function rdapGet(http: StepHttpClient, url: URL, userAgent: string, maxBytes: number): Promise<RdapAnswer> {
  const headers = { accept: "application/rdap+json, application/json;q=0.9", "user-agent": userAgent };
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const r = await http.send("GET", current, headers, maxBytes);
    if (!REDIRECTS.has(r.status)) return { ...r, url: current, redirects };
    const location = header(r.headers, "location");
    if (!location) throw new RdapRedirectError(`${r.status} redirect from ${current.host} without a Location header`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new RdapRedirectError(`${r.status} redirect to an invalid Location ${JSON.stringify(location.slice(0, 120))}`);
    }
    if (next.protocol !== "http:" && next.protocol !== "https:")
      throw new RdapRedirectError(`${r.status} redirect to ${next.protocol} (only http and https are followed)`);
    if (redirects + 1 > MAX_RDAP_REDIRECTS) throw new RdapRedirectError(`more than ${MAX_RDAP_REDIRECTS} redirects (last to ${next.host})`);
    current = next;
  }
}
