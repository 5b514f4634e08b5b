import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import { TOKEN_SHAPE, tokenHash } from "../auth/session-token";
import { audit } from "../auth/audit";
import { acknowledgeIncident } from "./incident-commands";
import { FieldError } from "./admin-command";

export type AckLinkState =
  | { state: "invalid" }
  | { state: "expired"; incidentId: number }
  | { state: "used"; incidentId: number; title: string; usedAt: Date }
  | { state: "ready"; incidentId: number; title: string; status: string; acknowledged: boolean; resolved: boolean };

/** What the acknowledge link in a notification would do, without doing it (GET must not change anything: chat apps and mail scanners open links). */
export async function ackLinkState(db: Db, token: string, now = new Date()): Promise<AckLinkState> {
  if (!TOKEN_SHAPE.test(token)) return { state: "invalid" };
  const row = await db.actionToken.findUnique({ where: { tokenHash: tokenHash(token) } });
  if (row?.purpose !== "incident.ack" || row.incidentId === null) return { state: "invalid" };
  const inc = await db.incident.findUnique({
    where: { id: row.incidentId },
    select: { id: true, title: true, status: true, acknowledgedAt: true, resolvedAt: true },
  });
  if (!inc) return { state: "invalid" };
  if (row.usedAt) return { state: "used", incidentId: inc.id, title: inc.title, usedAt: row.usedAt };
  if (row.expiresAt <= now) return { state: "expired", incidentId: inc.id };
  return {
    state: "ready",
    incidentId: inc.id,
    title: inc.title,
    status: inc.status,
    acknowledged: inc.acknowledgedAt !== null,
    resolved: inc.resolvedAt !== null,
  };
}

/** Uses the link once: marks the token used and acknowledges, in one transaction. */
export async function redeemAckLink(db: Db, token: string, now = new Date(), env?: Env): Promise<{ ok: boolean; message: string }> {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, message: "This link is not valid." };
  const hash = tokenHash(token);
  return db.$transaction(async (tx) => {
    const row = await tx.actionToken.findUnique({ where: { tokenHash: hash } });
    if (row?.purpose !== "incident.ack" || row.incidentId === null) return { ok: false, message: "This link is not valid." };
    if (row.expiresAt <= now) return { ok: false, message: "This link has expired; acknowledge from /admin." };
    const claimed = await tx.actionToken.updateMany({ where: { tokenHash: hash, usedAt: null }, data: { usedAt: now } });
    if (claimed.count !== 1) return { ok: false, message: "This link was already used." };
    const channel = row.target?.startsWith("channel:")
      ? await tx.notificationChannel.findUnique({ where: { id: Number(row.target.slice(8)) }, select: { name: true } })
      : null;
    const label = `the link sent to ${channel?.name ?? "a channel"}`;
    try {
      await acknowledgeIncident(tx, row.incidentId, { userId: null, label }, now, env);
    } catch (e) {
      // Already acknowledged or resolved: the link is spent either way, and nothing else changes.
      if (e instanceof FieldError) return { ok: true, message: `Nothing to do: ${e.message}.` };
      throw e;
    }
    await audit(tx, {
      userId: null,
      action: "incident.acknowledge",
      target: `incident:${row.incidentId}`,
      details: { via: "link", sentTo: row.target },
      at: now,
    });
    return { ok: true, message: "Acknowledged. Reminders for this incident have stopped." };
  });
}
