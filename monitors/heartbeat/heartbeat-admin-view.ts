import type { Db } from "../store/client";
import type { HeartbeatMonitorSpec } from "../probes/kinds/heartbeat";

export interface HeartbeatAdminRow {
  slug: string;
  name: string;
  /** The generated token (shown to admins), or null when it comes from the environment. */
  token: string | null;
  /** The variable that holds it, when it comes from the environment. */
  tokenEnv: string | null;
  lastPing: { at: Date; kind: string; exitCode: number | null; body: string | null; bodyTruncated: boolean } | null;
}

/**
 * For /admin only (admins): each heartbeat monitor's ping token (generated ones; one from the
 * environment is named, never shown) and its last ping with its message. No public query reads
 * the HeartbeatToken table.
 */
export async function heartbeatAdminRows(db: Db): Promise<HeartbeatAdminRow[]> {
  const monitors = await db.monitor.findMany({
    where: { kind: "heartbeat", archivedAt: null },
    orderBy: { sortOrder: "asc" },
    select: { id: true, slug: true, name: true, config: true, heartbeatToken: { select: { generated: true } } },
  });
  return Promise.all(
    monitors.map(async (m) => {
      const last = await db.heartbeatPing.findFirst({
        where: { monitorId: m.id },
        orderBy: { id: "desc" },
        select: { at: true, kind: true, exitCode: true, body: true, bodyTruncated: true },
      });
      const spec = m.config as unknown as Partial<HeartbeatMonitorSpec>;
      return {
        slug: m.slug,
        name: m.name,
        token: m.heartbeatToken?.generated ?? null,
        tokenEnv: spec.token?.env ?? null,
        lastPing: last,
      };
    }),
  );
}
