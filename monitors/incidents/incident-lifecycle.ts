/** Statuses and impacts of incidents, in Statuspage's vocabulary, and the rules between them. */
export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const IMPACTS = ["none", "minor", "major", "critical"] as const;
export type Impact = (typeof IMPACTS)[number];

export function isIncidentStatus(s: string): s is IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(s);
}

export function isImpact(s: string): s is Impact {
  return (IMPACTS as readonly string[]).includes(s);
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
export function automaticTitle(names: readonly string[], worst: "down" | "degraded"): string {
  const list = names.length <= 3 ? joinNames(names) : `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`;
  return `${list} ${names.length === 1 ? "is" : "are"} ${worst === "down" ? "down" : "degraded"}`;
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
