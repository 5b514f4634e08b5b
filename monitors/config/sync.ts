import type { Prisma } from "@prisma/client";
import type { Db } from "../store/client";
import type { LoadedConfig, MonitorDefinition } from "./load";
import { ADVISORY_LOCKS, lockForTransaction } from "../regions/advisory-lock";

export interface SyncedMonitor {
  id: number;
  def: MonitorDefinition;
}

export interface SyncReport {
  monitors: SyncedMonitor[];
  created: string[];
  updated: string[];
  archived: string[];
  restored: string[];
}

function columns(def: MonitorDefinition) {
  return {
    name: def.name,
    group: def.group,
    kind: def.kind,
    config: def.spec as unknown as Prisma.InputJsonValue,
    intervalSec: Math.round(def.intervalMs / 1000),
    timeoutMs: def.timeoutMs,
    phaseMs: def.phaseMs,
    confirmDown: def.confirm.down,
    confirmUp: def.confirm.up,
    isPublic: def.isPublic,
    showTarget: def.showTarget,
    description: def.description ?? null,
    sloPercent: def.sloPercent ?? null,
    regions: def.regions,
    quorum: def.quorum ?? null,
    disabledReason: def.disabledReason ?? null,
    sortOrder: def.sortOrder,
    archivedAt: null,
  };
}

/**
 * Makes the database match a validated config in one transaction. A monitor that left
 * the config is archived, never deleted, so its history stays readable.
 */
export async function syncConfig(db: Db, config: LoadedConfig, now = new Date()): Promise<SyncReport> {
  return db.$transaction(async (tx) => {
    // Every agent syncs the config it starts with; on PostgreSQL they may start together.
    await lockForTransaction(tx, ADVISORY_LOCKS.configSync);
    const existing = await tx.monitor.findMany({ select: { id: true, slug: true, archivedAt: true, updatedAt: true } });
    const bySlug = new Map(existing.map((m) => [m.slug, m]));
    const report: SyncReport = { monitors: [], created: [], updated: [], archived: [], restored: [] };
    for (const def of config.monitors) {
      const prev = bySlug.get(def.slug);
      if (prev) {
        const row = await tx.monitor.update({ where: { id: prev.id }, data: columns(def), select: { id: true } });
        (prev.archivedAt ? report.restored : report.updated).push(def.slug);
        report.monitors.push({ id: row.id, def });
      } else {
        const row = await tx.monitor.create({ data: { slug: def.slug, ...columns(def) }, select: { id: true } });
        report.created.push(def.slug);
        report.monitors.push({ id: row.id, def });
      }
    }
    const keep = new Set(config.monitors.map((m) => m.slug));
    const leaving = existing.filter((m) => !m.archivedAt && !keep.has(m.slug));
    if (leaving.length) {
      await tx.monitor.updateMany({ where: { id: { in: leaving.map((m) => m.id) } }, data: { archivedAt: now } });
      report.archived.push(...leaving.map((m) => m.slug));
    }
    for (const [key, value] of [["groups", config.groups], ["group-objectives", config.groupObjectives]] as const) {
      await tx.setting.upsert({ where: { key }, create: { key, value: value as Prisma.InputJsonValue }, update: { value: value as Prisma.InputJsonValue } });
    }
    return report;
  }, SYNC_TRANSACTION);
}

// Several agents starting together wait for each other's sync (advisory lock), and a first sync of
// 10,000 monitors on PostgreSQL writes for about a minute: neither may hit Prisma's default 5 s.
const SYNC_TRANSACTION = { timeout: 600_000, maxWait: 60_000 };
