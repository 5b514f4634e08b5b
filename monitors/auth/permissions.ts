export const ROLES = ["admin", "responder"] as const;
export type Role = (typeof ROLES)[number];

/** Which roles may do what. Responders run incidents and maintenance; everything else is admin-only. */
export const PERMISSIONS = {
  "incident.write": ["admin", "responder"],
  "maintenance.write": ["admin", "responder"],
  "channel.write": ["admin"],
  "user.write": ["admin"],
  "audit.read": ["admin"],
  "outbox.retry": ["admin"],
  "token.write": ["admin"],
  /** One's own account (two-factor): every role. */
  "account.write": ["admin", "responder"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isRole(x: unknown): x is Role {
  return typeof x === "string" && (ROLES as readonly string[]).includes(x);
}

/** Whether a role holds a permission. Anything that is not a known role (null, a stale value from the database) holds none. */
export function can(role: string | null | undefined, permission: Permission): boolean {
  // hasOwn: a name from outside the type ("toString") must not reach Object.prototype.
  if (!isRole(role) || !Object.hasOwn(PERMISSIONS, permission)) return false;
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return allowed.includes(role);
}
