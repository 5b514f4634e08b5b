import { createHash } from "node:crypto";
import { makeBadge } from "badge-maker";
import type { Db } from "../store/client";
import { parseBadgeOptions, type BadgeOptions } from "./badge-params";
import { BADGE_KINDS, monitorBadgeContent, overallBadgeContent, type BadgeContent, type BadgeKind } from "./badge-content";

export interface BadgeHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One minute fresh everywhere (browsers, CDNs, GitHub's camo), then five minutes of
 * stale-while-revalidate, so a state change shows within about a minute.
 */
export const BADGE_CACHE_CONTROL = "public, max-age=60, s-maxage=60, stale-while-revalidate=300";

export type BadgeFormat = "svg" | "json";

/** Parses "uptime.svg" into its kind and format; null for anything else. */
export function parseBadgeFile(file: string): { kind: BadgeKind; format: BadgeFormat } | null {
  const m = /^([a-z]+)\.(svg|json)$/.exec(file);
  if (!m || !(BADGE_KINDS as readonly string[]).includes(m[1])) return null;
  return { kind: m[1] as BadgeKind, format: m[2] as BadgeFormat };
}

function render(content: BadgeContent, opts: Partial<BadgeOptions>, format: BadgeFormat): { type: string; body: string } {
  const label = opts.label ?? content.label;
  const color = opts.color ?? content.color;
  if (format === "json") {
    // shields.io endpoint schema: https://shields.io/badges/endpoint-badge
    const body = {
      schemaVersion: 1,
      label,
      message: content.message,
      color,
      ...(opts.labelColor ? { labelColor: opts.labelColor } : {}),
      ...(opts.style && opts.style !== "flat" ? { style: opts.style } : {}),
    };
    return { type: "application/json; charset=utf-8", body: JSON.stringify(body) };
  }
  const svg = makeBadge({
    label,
    message: content.message,
    color,
    style: opts.style ?? "flat",
    ...(opts.labelColor ? { labelColor: opts.labelColor } : {}),
  });
  return { type: "image/svg+xml; charset=utf-8", body: svg };
}

function respond(status: number, rendered: { type: string; body: string }, ifNoneMatch: string | null, cache: string): BadgeHttpResponse {
  const etag = `"${createHash("sha256").update(rendered.body).digest("base64url").slice(0, 27)}"`;
  const headers: Record<string, string> = {
    "cache-control": cache,
    etag,
    "content-type": rendered.type,
    "x-content-type-options": "nosniff",
  };
  if (rendered.type.startsWith("image/svg")) headers["content-security-policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
  return withConditional({ status, headers, body: rendered.body }, ifNoneMatch);
}

/** Turns a 200 into a bodiless 304 when the client already holds this ETag. */
export function withConditional(response: BadgeHttpResponse, ifNoneMatch: string | null): BadgeHttpResponse {
  const etag = response.headers.etag;
  if (response.status === 200 && ifNoneMatch && ifNoneMatch.split(",").some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) {
    return { status: 304, headers: response.headers, body: "" };
  }
  return response;
}

/**
 * Answers a badge request. `slug` is null for the page-wide badge. Unknown, hidden and
 * archived monitors get the same grey 404 badge; bad parameters get a 400 badge that says which.
 */
export async function handleBadgeRequest(
  db: Db,
  slug: string | null,
  file: string,
  url: URL,
  ifNoneMatch: string | null,
  now = Date.now(),
): Promise<BadgeHttpResponse> {
  const parsedFile =
    slug === null
      ? file === "status.svg" || file === "status.json"
        ? { kind: "status" as const, format: file.endsWith(".json") ? ("json" as const) : ("svg" as const) }
        : null
      : parseBadgeFile(file);
  const format: BadgeFormat = parsedFile?.format ?? (file.endsWith(".json") ? "json" : "svg");
  const noStore = "no-store";
  if (!parsedFile) return respond(404, render({ label: "badge", message: "not found", color: "lightgrey" }, {}, format), null, noStore);
  const parsed = parseBadgeOptions(url.searchParams);
  if (!parsed.ok) return respond(400, render({ label: "badge", message: parsed.problem, color: "red" }, {}, format), null, noStore);
  const opts = parsed.options;
  const content = slug === null ? await overallBadgeContent(db, now) : await monitorBadgeContent(db, slug, parsedFile.kind, opts, now);
  if (!content)
    return respond(
      404,
      render({ label: "monitor", message: "not found", color: "lightgrey" }, { style: opts.style }, format),
      null,
      BADGE_CACHE_CONTROL,
    );
  return respond(200, render(content, opts, format), ifNoneMatch, BADGE_CACHE_CONTROL);
}
