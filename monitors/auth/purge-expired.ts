import type { Db } from "../store/client";
import { purgeExpired } from "./rate-limit";
import { purgeUnconfirmed } from "../subscribers/subscriptions";

/** Hourly: sessions, acknowledge links, rate-limit windows and unconfirmed sign-ups that can no longer be used. */
export async function purgeExpiredAccessData(db: Db, now = new Date()): Promise<void> {
  await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.actionToken.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 7 * 86_400_000) } } });
  await purgeExpired(db, now);
  await purgeUnconfirmed(db, now.getTime());
}
