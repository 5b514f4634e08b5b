import { internalChecks, publicMemberList } from "./public-members";

/** Statuses and impacts of incidents, in Statuspage's vocabulary, and the rules between them. */
export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

// Impacts are also named by the config (alert severities), so they live in core/.
import { IMPACTS, type Impact } from "../core/status";
export { IMPACTS, type Impact };

export function isIncidentStatus(s: string): s is IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(s);
}

export function worstImpact(impacts: readonly string[]): Impact {
  let worst = 0;
  for (const i of impacts) worst = Math.max(worst, IMPACTS.indexOf(i as Impact));
  return IMPACTS[worst];
}

/** What an automatic incident assumes a confirmed monitor state means for users. */
export function impactOfMonitorStatus(status: string): Impact {
  return status === "down" ? "major" : status === "degraded" ? "minor" : "none";
}

/**
 * Open incidents may move freely between investigating, identified and monitoring (a fix can
 * fail). Resolved is final: a relapse is a new incident, so history stays truthful.
 */
export function lifecycleProblem(from: string, to: string): string | null {
  if (!isIncidentStatus(to)) return `status must be one of ${INCIDENT_STATUSES.join(", ")}, got ${JSON.stringify(to)}`;
  if (from === "resolved") return "this incident is resolved; open a new incident instead of updating it";
  return null;
}

/** A postmortem is written after the fact, so only resolved incidents take one. */
export function postmortemProblem(status: string): string | null {
  return status === "resolved" ? null : "a postmortem can be added once the incident is resolved";
}

/** "Registry API is down", "Registry API and Web app are down", "Registry API, Web app and 2 more are degraded". */
/** A member as the title sees it. */
export interface TitleMember {
  name: string;
  group: string;
  isPublic: boolean;
  impact: string;
}

/**
 * An automatic incident's title follows its scope as monitors join and leave. One monitor:
 * "Registry API is down". More: the severity, the public groups touched and how many services,
 * "Major outage: Registry, Web app and Storage (11 services and 2 internal checks)". Hidden
 * monitors are only counted, and their groups are not named.
 */
export function scopeTitle(members: readonly TitleMember[]): string {
  const worst = members.some((m) => m.impact === "major" || m.impact === "critical") ? "down" : "degraded";
  if (members.length === 1) return automaticTitle(publicMemberList(members), worst);
  const shown = members.filter((m) => m.isPublic);
  const groups = [...new Set(shown.map((m) => m.group || m.name))];
  const counted = [
    shown.length ? `${shown.length} service${shown.length === 1 ? "" : "s"}` : null,
    members.length > shown.length ? internalChecks(members.length - shown.length) : null,
  ]
    .filter(Boolean)
    .join(" and ");
  const scope = groups.length
    ? `${groups.length <= 5 ? joinNames(groups) : `${groups.slice(0, 4).join(", ")} and ${groups.length - 4} more groups`} (${counted})`
    : counted;
  return `${worst === "down" ? "Major outage" : "Degraded performance"}: ${scope}`;
}

/**
 * The title of an incident whose members are a root cause and the checks that failed because of
 * it (depends_on): "Storage: Filebase S3 down; 6 dependent checks affected". A hidden root is not
 * named, and dependants are only counted, so no hidden monitor reaches public text.
 */
export function rootCauseTitle(root: TitleMember, dependants: number): string {
  const label = !root.isPublic ? "Internal check" : root.group && root.group !== root.name ? `${root.group}: ${root.name}` : root.name;
  const what = root.impact === "major" || root.impact === "critical" ? "down" : "degraded";
  return `${label} ${what}; ${dependants} dependent check${dependants === 1 ? "" : "s"} affected`;
}

export function automaticTitle(names: readonly string[], worst: "down" | "degraded"): string {
  const list = names.length <= 3 ? joinNames(names) : `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`;
  return `${list} ${names.length === 1 ? "is" : "are"} ${worst === "down" ? "down" : "degraded"}`;
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
