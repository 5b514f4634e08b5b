import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { migrate } from "../scripts/migrate.mjs";
import { openDatabase } from "../monitors/store/client";

export const WORK_DIR = join(process.cwd(), "bench", ".work");

export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const median = (v: number[]) => quantile(v, 0.5);
export const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/** A fresh, migrated SQLite database under bench/.work. */
export async function freshDb(name: string) {
  mkdirSync(WORK_DIR, { recursive: true });
  const file = join(WORK_DIR, `${name}.db`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const url = `file:${file}`;
  const r = await migrate({ env: { ...process.env, DATABASE_URL: url }, quiet: true });
  if (!r.ok) throw new Error(`migration failed: ${r.output}`);
  const { db } = await openDatabase(url, { busyTimeoutMs: 5000 });
  return { db, url, file };
}

/** CPU seconds and RSS of a process, read from /proc (Linux). */
export async function processUsage(pid: number): Promise<{ cpuSeconds: number; rssMb: number }> {
  const { readFileSync } = await import("node:fs");
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = Number(stat[11]) + Number(stat[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rssMb: rss / 1024 };
}
