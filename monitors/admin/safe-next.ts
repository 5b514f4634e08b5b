/**
 * Where to go after signing in. Only paths inside the maintainers' area are followed, so a
 * link like /admin/login?next=https://evil.example cannot turn the login into an open redirect
 * (nor can //evil.example, /\evil.example or encoded variants, which browsers treat as hosts).
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next) return "/admin";
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return "/admin";
  }
  if (/[\\\u0000-\u001f]/.test(decoded) || decoded.startsWith("//")) return "/admin";
  if (!/^\/admin(?:[/?#]|$)/.test(next)) return "/admin";
  try {
    const u = new URL(next, "http://status.invalid");
    // Checked again after the URL is resolved: /admin/../x (or %2e%2e) leaves the area.
    if (u.host !== "status.invalid" || !/^\/admin(?:\/|$)/.test(u.pathname)) return "/admin";
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return "/admin";
  }
}
