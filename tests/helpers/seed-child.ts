/**
 * Seeds history into a database from a process of its own: `node --import tsx tests/helpers/seed-child.ts URL OPTIONS_JSON`.
 * A test that seeds 100 monitors in its vitest worker keeps that worker too busy for vitest's
 * own messages ("Timeout calling onTaskUpdate") on a loaded machine.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { openDatabase } from "@/monitors/store/client";
import { seedHistory, type SeedOptions } from "@/bench/seed-history";

export async function seedHistoryInChild(databaseUrl: string, opts: SeedOptions): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), databaseUrl, JSON.stringify(opts)], {
    stdio: ["ignore", "inherit", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  if (code !== 0) throw new Error(`seeding failed (exit ${code}):\n${err}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { db } = await openDatabase(process.argv[2], { busyTimeoutMs: 5000 });
  await seedHistory(db, JSON.parse(process.argv[3]) as SeedOptions);
  await db.$disconnect();
}
