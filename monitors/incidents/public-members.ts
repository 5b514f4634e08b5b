/**
 * The names that public text (incident titles, automatic updates, and through them the pages,
 * the API, the feeds and subscribers' mails) may use for an incident's members: public monitors
 * by name, hidden ones only as a count ("2 internal checks"), since a hidden monitor's name can
 * describe internal infrastructure. Admin pages list members from IncidentMonitor, not from this.
 */
export interface MemberName {
  name: string;
  isPublic: boolean;
}

export function publicMemberList(members: readonly MemberName[]): string[] {
  const names = members.filter((m) => m.isPublic).map((m) => m.name);
  const hidden = members.length - names.length;
  if (hidden > 0) names.push(internalChecks(hidden));
  return names;
}

/** "1 internal check", "3 internal checks". */
export function internalChecks(count: number): string {
  return `${count} internal check${count === 1 ? "" : "s"}`;
}

/** How one member is named in a line of an automatic update. */
export function publicMemberName(member: MemberName): string {
  return member.isPublic ? member.name : "An internal check";
}
