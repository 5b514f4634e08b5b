/**
 * npm run bench -- sync: how long the agent's config sync takes for 10,000 monitors, on SQLite and
 * PostgreSQL: the first sync (every monitor new), a restart with the same config (nothing changed),
 * and a reload where 10 monitors changed. Measured around syncConfig alone (the config is parsed
 * before the clock starts; parsing 10,000 monitors is the same work before and after any change here).
 */
import { parseConfig } from "../monitors/config/load";
import { syncConfig } from "../monitors/store/config-sync";
import { seedConfigText } from "./seed-history";
import { freshDb, freshPgDb, round } from "./util";

export interface SyncFigures {
  monitors: number;
  firstMs: number;
  unchangedMs: number;
  tenChangedMs: number;
  /** Monitors the unchanged sync rewrote (0: it wrote nothing). */
  unchangedRewritten: number;
}

async function measure(db: Parameters<typeof syncConfig>[0], monitors: number): Promise<SyncFigures> {
  const text = seedConfigText(monitors);
  const config = parseConfig(text, "bench.yaml", {});
  let t = performance.now();
  await syncConfig(db, config);
  const firstMs = performance.now() - t;
  const same = parseConfig(text, "bench.yaml", {});
  t = performance.now();
  const again = await syncConfig(db, same);
  const unchangedMs = performance.now() - t;
  const changed = JSON.parse(text) as { monitors: Array<{ name: string }> };
  for (let i = 0; i < 10; i++) changed.monitors[i * 997].name += " (renamed)";
  const tenChanged = parseConfig(JSON.stringify(changed), "bench.yaml", {});
  t = performance.now();
  await syncConfig(db, tenChanged);
  const tenChangedMs = performance.now() - t;
  return {
    monitors,
    firstMs: round(firstMs, 0),
    unchangedMs: round(unchangedMs, 0),
    tenChangedMs: round(tenChangedMs, 0),
    unchangedRewritten: again.changed.length,
  };
}

export async function benchConfigSync(monitors = 10_000): Promise<{ sqlite: SyncFigures; postgresql: SyncFigures }> {
  const lite = await freshDb("config-sync");
  const sqlite = await measure(lite.db, monitors);
  await lite.db.$disconnect();
  const pg = await freshPgDb("status_bench_config_sync");
  const postgresql = await measure(pg.db, monitors);
  await pg.db.$disconnect();
  return { sqlite, postgresql };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchConfigSync(Number(process.argv[2] ?? 10_000))));
