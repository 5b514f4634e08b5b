import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import canonicalJson from "safe-stable-stringify";
import type { Db } from "./client";
import type { LoadedConfig, MonitorDefinition } from "../config/load";
import { ADVISORY_LOCKS, lockForTransaction } from "./advisory-lock";
import { dialectOf } from "./dialect";
import { multiRowStatements } from "./multi-row";
import { ALERT_ROUTING_SETTING, DEFAULT_ALERT_ROUTING } from "../config/alert-routing";

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
  /** Kept monitors whose stored row was rewritten because something in it changed (a subset of updated and restored). */
  changed: string[];
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
    dependsOn: def.dependsOn,
    disabledReason: def.disabledReason ?? null,
    sortOrder: def.sortOrder,
    archivedAt: null,
  };
}

/** The Setting that holds the fingerprint of the config last written (see syncConfig). */
export const CONFIG_VERSION_SETTING = "config-version";
/** Rows per INSERT when many monitors are new: well under SQLite's limit of bound variables. */
const CREATE_CHUNK = 500;

type MonitorColumns = ReturnType<typeof columns>;

/** Whether a stored row already holds these columns (JSON compared by value: PostgreSQL's jsonb reorders keys). */
function unchanged(row: Record<string, unknown>, data: MonitorColumns): boolean {
  for (const [key, value] of Object.entries(data)) {
    const stored = row[key];
    if (value !== null && typeof value === "object") {
      if (canonicalJson(stored) !== canonicalJson(value)) return false;
    } else if (stored !== value) return false;
  }
  return true;
}

/**
 * New monitors as parameterised multi-row INSERTs (store/multi-row.ts; Prisma's createMany costs
 * about 0.3 ms a row in its query compiler, most of a first sync of 10,000). Booleans go as 1/0,
 * which SQLite stores and PostgreSQL reads as booleans; JSON through the dialect's parameter.
 */
function monitorInsertStatements(tx: Prisma.TransactionClient, rows: Array<{ def: MonitorDefinition; data: MonitorColumns }>, now: Date) {
  if (!rows.length) return [];
  const { jsonParam } = dialectOf(tx);
  const names = ["slug", ...Object.keys(rows[0].data), "createdAt", "updatedAt"];
  const values = rows.map(({ def, data }) => [
    def.slug,
    ...Object.values(data).map((v) =>
      typeof v === "boolean" ? (v ? 1 : 0) : v !== null && typeof v === "object" ? jsonParam(JSON.stringify(v)) : v,
    ),
    now,
    now,
  ]);
  return multiRowStatements(tx, `INSERT INTO "Monitor" (${names.map((n) => `"${n}"`).join(", ")}) VALUES `, values, CREATE_CHUNK);
}

/**
 * Makes the database match a validated config in one transaction. A monitor that left the config
 * is archived, never deleted, so its history stays readable.
 *
 * Cheap when little changed, which is every start and reload but the first: the config's
 * fingerprint is stored, and a sync whose fingerprint matches reads only the monitors' ids (the
 * other agents of a region start with the same file). Otherwise the stored rows are compared in
 * memory and only what differs is written: new monitors in a few multi-row INSERTs, changed ones one
 * UPDATE each, the departed in one UPDATE.
 */
export async function syncConfig(db: Db, config: LoadedConfig, now = new Date()): Promise<SyncReport> {
  const wanted = config.monitors.map((def) => ({ def, data: columns(def) }));
  const settings = [
    ["groups", config.groups],
    ["group-objectives", config.groupObjectives],
    [ALERT_ROUTING_SETTING, config.alertmanager ?? DEFAULT_ALERT_ROUTING],
  ] as const;
  const version = createHash("sha256")
    .update(canonicalJson({ monitors: wanted.map((w) => [w.def.slug, w.data]), settings }) ?? "")
    .digest("hex");
  return db.$transaction(async (tx) => {
    // Every agent syncs the config it starts with; on PostgreSQL they may start together.
    await lockForTransaction(tx, ADVISORY_LOCKS.configSync);
    const report: SyncReport = { monitors: [], created: [], updated: [], archived: [], restored: [], changed: [] };
    const stored = await tx.setting.findUnique({ where: { key: CONFIG_VERSION_SETTING } });
    if (stored?.value === version) {
      const rows = await tx.monitor.findMany({ where: { archivedAt: null }, select: { id: true, slug: true } });
      const idOf = new Map(rows.map((r) => [r.slug, r.id]));
      // The fingerprint matches and every monitor is there: nothing to write.
      if (rows.length === wanted.length && wanted.every((w) => idOf.has(w.def.slug))) {
        for (const { def } of wanted) {
          report.monitors.push({ id: idOf.get(def.slug)!, def });
          report.updated.push(def.slug);
        }
        return report;
      }
    }

    const existing = await tx.monitor.findMany();
    const bySlug = new Map(existing.map((m) => [m.slug, m]));
    const fresh = wanted.filter((w) => !bySlug.has(w.def.slug));
    for (const statement of monitorInsertStatements(tx, fresh, now)) await statement;
    // The new rows' ids: reading every id and slug costs less than a query naming thousands of slugs.
    const created = fresh.length
      ? new Map((await tx.monitor.findMany({ select: { id: true, slug: true } })).map((r) => [r.slug, r.id]))
      : new Map<string, number>();
    for (const { def, data } of wanted) {
      const prev = bySlug.get(def.slug);
      if (!prev) {
        report.created.push(def.slug);
        report.monitors.push({ id: created.get(def.slug)!, def });
        continue;
      }
      if (!unchanged(prev, data)) {
        await tx.monitor.update({ where: { id: prev.id }, data, select: { id: true } });
        report.changed.push(def.slug);
      }
      (prev.archivedAt ? report.restored : report.updated).push(def.slug);
      report.monitors.push({ id: prev.id, def });
    }
    const keep = new Set(config.monitors.map((m) => m.slug));
    const leaving = existing.filter((m) => !m.archivedAt && !keep.has(m.slug));
    if (leaving.length) {
      await tx.monitor.updateMany({ where: { id: { in: leaving.map((m) => m.id) } }, data: { archivedAt: now } });
      report.archived.push(...leaving.map((m) => m.slug));
    }
    for (const [key, value] of [...settings, [CONFIG_VERSION_SETTING, version] as const]) {
      await tx.setting.upsert({
        where: { key },
        create: { key, value: value as Prisma.InputJsonValue },
        update: { value: value as Prisma.InputJsonValue },
      });
    }
    return report;
  }, SYNC_TRANSACTION);
}

// Several agents starting together wait for each other's sync (advisory lock), and a first sync of
// 10,000 monitors on PostgreSQL writes for about a minute: neither may hit Prisma's default 5 s.
const SYNC_TRANSACTION = { timeout: 600_000, maxWait: 60_000 };
