import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";

export const DEFAULT_DATABASE_URL = "file:./data/status.db";

export type DatabaseTarget = { provider: "sqlite"; url: string; filePath: string } | { provider: "postgresql"; url: string };

/** Reads DATABASE_URL (default: embedded SQLite under ./data) and says which driver it needs. */
export function resolveDatabaseTarget(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: "postgresql", url };
  if (!url.startsWith("file:")) {
    throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL), got "${url.split(":")[0]}:…"`);
  }
  const raw = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
  const filePath = raw === ":memory:" ? raw : isAbsolute(raw) ? raw : resolve(/*turbopackIgnore: true*/ process.cwd(), raw);
  return { provider: "sqlite", url, filePath };
}

/** Creates the folder of a SQLite file so a fresh checkout starts without setup. */
export function ensureSqliteFolder(target: DatabaseTarget): void {
  if (target.provider === "sqlite" && target.filePath !== ":memory:") {
    mkdirSync(dirname(target.filePath), { recursive: true });
  }
}
