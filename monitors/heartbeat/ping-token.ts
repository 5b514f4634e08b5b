import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../store/client";
import type { Env } from "../config/secrets";
import type { SyncedMonitor } from "../store/config-sync";
import type { HeartbeatMonitorSpec } from "../probes/kinds/heartbeat";
import { tokenValue } from "./heartbeat-config";

/** What a ping URL's token may look like; anything else is answered 404 without a database read. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

/** Tokens are looked up by their sha256, so the table never holds a token from the environment. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** 192 random bits in base64url: 32 URL-safe characters. */
export function generateToken(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * Makes the HeartbeatToken table match the enabled heartbeat monitors (on the store thread, after
 * each config sync): a token from the environment is stored as its hash only; a monitor without
 * one keeps the token generated for it before, or gets a new one. Every other row goes, so a
 * monitor that left the config, or waits for its variable, answers 404.
 */
export async function syncPingTokens(db: Db, enabled: SyncedMonitor[], env: Env = process.env): Promise<{ generated: string[] }> {
  const heartbeats = enabled.filter((m) => m.def.spec.kind === "heartbeat");
  const existing = await db.heartbeatToken.findMany();
  const byMonitor = new Map(existing.map((r) => [r.monitorId, r]));
  const generated: string[] = [];
  const keep = new Set<number>();
  for (const { id, def } of heartbeats) {
    keep.add(id);
    const fromEnv = tokenValue(def.spec as HeartbeatMonitorSpec, env);
    const prev = byMonitor.get(id);
    if (fromEnv !== null) {
      const hash = tokenHash(fromEnv);
      if (prev?.tokenHash === hash && prev.generated === null) continue;
      await db.heartbeatToken.upsert({
        where: { monitorId: id },
        create: { monitorId: id, tokenHash: hash, generated: null },
        update: { tokenHash: hash, generated: null },
      });
    } else if (!prev || prev.generated === null) {
      const token = generateToken();
      await db.heartbeatToken.upsert({
        where: { monitorId: id },
        create: { monitorId: id, tokenHash: tokenHash(token), generated: token },
        update: { tokenHash: tokenHash(token), generated: token },
      });
      generated.push(def.slug);
    }
  }
  const gone = existing.filter((r) => !keep.has(r.monitorId)).map((r) => r.monitorId);
  if (gone.length) await db.heartbeatToken.deleteMany({ where: { monitorId: { in: gone } } });
  return { generated };
}
