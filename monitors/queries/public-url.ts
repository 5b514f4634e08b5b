/**
 * The site's public base URL for links that leave the page (badges, feeds). PUBLIC_URL wins;
 * otherwise the request's host, which a proxy sets with X-Forwarded-Host/Proto.
 */
export function publicBaseUrl(headers: { get(name: string): string | null }, env: Record<string, string | undefined> = process.env): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/$/, "");
  const host = (headers.get("x-forwarded-host") ?? headers.get("host") ?? "localhost:3000").split(",")[0].trim();
  const proto = (headers.get("x-forwarded-proto") ?? "http").split(",")[0].trim();
  const safeHost = /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? host : "localhost";
  return `${proto === "https" ? "https" : "http"}://${safeHost}`;
}
