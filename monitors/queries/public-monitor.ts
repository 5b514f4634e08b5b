import type { Db } from "../store/client";

/**
 * A monitor as the public may see it: null for unknown, hidden and archived monitors alike,
 * so no public answer reveals that a hidden monitor exists.
 */
export async function findPublicMonitor(db: Db, slug: string) {
  if (!/^[a-z0-9-]{1,64}$/.test(slug)) return null;
  return db.monitor.findFirst({
    where: { slug, isPublic: true, archivedAt: null },
    select: {
      id: true,
      slug: true,
      name: true,
      group: true,
      kind: true,
      description: true,
      disabledReason: true,
      sloPercent: true,
      intervalSec: true,
      timeoutMs: true,
      showTarget: true,
      config: true,
      state: true,
    },
  });
}

export type PublicMonitor = NonNullable<Awaited<ReturnType<typeof findPublicMonitor>>>;
