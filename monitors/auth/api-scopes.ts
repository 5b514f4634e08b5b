import type { Permission } from "./permissions";

/**
 * What a management API token may do. A token holds a list of these; each write it makes also
 * needs the permission the command declares, which its scope grants (and nothing else does).
 */
export const API_SCOPES = ["incidents:write", "maintenance:write", "monitors:read", "subscribers:read", "audit:read"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  "incidents:write": "read, open, update, acknowledge and resolve incidents; silence a monitor's alerts",
  "maintenance:write": "read, schedule, end and extend maintenance windows (one-off and recurring)",
  "monitors:read": "read monitors and their current state",
  "subscribers:read": "read the list of email subscribers (personal data)",
  "audit:read": "read the audit log",
};

/** The command permissions a scope grants to a token. */
const GRANTS: Record<ApiScope, readonly Permission[]> = {
  "incidents:write": ["incident.write"],
  "maintenance:write": ["maintenance.write"],
  "monitors:read": [],
  "subscribers:read": [],
  "audit:read": [],
};

export function isApiScope(x: unknown): x is ApiScope {
  return typeof x === "string" && (API_SCOPES as readonly string[]).includes(x);
}

/** The scopes stored for a token (a JSON column): unknown names are ignored, never trusted. */
export function storedScopes(v: unknown): ApiScope[] {
  return Array.isArray(v) ? v.filter(isApiScope) : [];
}

export function scopesGrant(scopes: readonly ApiScope[], permission: Permission): boolean {
  return scopes.some((s) => GRANTS[s].includes(permission));
}
