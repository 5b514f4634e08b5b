/** A parsed WWW-Authenticate challenge (RFC 7235), as registries send it on /v2/. */
export interface Challenge {
  scheme: "bearer" | "basic";
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`; null when malformed. */
export function parseChallenge(header: string | undefined | null): Challenge | null {
  if (!header) return null;
  const m = /^\s*(Bearer|Basic)\s*(.*)$/i.exec(header);
  if (!m) return null;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*(?:,|$)/g;
  let rest = m[2].trim();
  let consumed = 0;
  for (let match = re.exec(rest); match; match = re.exec(rest)) {
    params[match[1].toLowerCase()] = (match[2] ?? match[3]).replace(/\\(.)/g, "$1");
    consumed = re.lastIndex;
  }
  rest = rest.slice(consumed).trim();
  if (rest) return null;
  const scheme = m[1].toLowerCase() as Challenge["scheme"];
  if (scheme === "bearer") {
    if (!params.realm) return null;
    try {
      const u = new URL(params.realm);
      if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    } catch {
      return null;
    }
  }
  return { scheme, params };
}
