import type { Db } from "../store/client";
import { purgeExpired } from "../auth/rate-limit";
import { purgeUnconfirmed } from "../subscribers/subscriptions";
import { DAY_MS } from "../core/duration";

/** Hourly: sessions, GitHub sign-ins waiting for a code, acknowledge links, rate-limit windows and unconfirmed sign-ups that can no longer be used. */
export async function purgeExpiredAccessData(db: Db, now = new Date()): Promise<void> {
  await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.pendingSignIn.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.actionToken.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 7 * DAY_MS) } } });
  await purgeExpired(db, now);
  await purgeUnconfirmed(db, now.getTime());
}
