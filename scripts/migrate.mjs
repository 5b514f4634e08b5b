#!/usr/bin/env node
// Applies committed migrations with `prisma migrate deploy`, but only when some are
// pending: the JS schema engine needs the SQLite file to itself, so running it while
// the other process (web or agent) has the database open would fail for nothing.
import { existsSync, readdirSync, mkdirSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { runPrisma } from "./prisma.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

function sqlitePath(url) {
  const raw = url.slice("file:".length);
  return isAbsolute(raw) ? raw : resolve(process.cwd(), raw);
}

export function pendingMigrations(url = process.env.DATABASE_URL || "file:./data/status.db") {
  const all = readdirSync(join(root, "prisma", "migrations"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  if (!url.startsWith("file:")) return all;
  const file = sqlitePath(url);
  if (!existsSync(file)) return all;
  const Database = require("better-sqlite3");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return all;
    const applied = new Set(db.prepare("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL").all().map((r) => r.migration_name));
    return all.filter((m) => !applied.has(m));
  } finally {
    db.close();
  }
}

export function migrate({ env = process.env, quiet = false } = {}) {
  const url = env.DATABASE_URL || "file:./data/status.db";
  if (!url.startsWith("file:")) {
    const scheme = url.split(":")[0];
    const why = /^postgres(ql)?$/.test(scheme) ? "PostgreSQL is not supported by this build yet" : `"${scheme}:" is not a database this service supports`;
    return { ok: false, applied: [], output: `DATABASE_URL: ${why}; use file:./data/status.db (SQLite)\n` };
  }
  if (url.startsWith("file:")) mkdirSync(dirname(sqlitePath(url)), { recursive: true });
  const pending = pendingMigrations(url);
  if (!pending.length) return { ok: true, applied: [] };
  const r = runPrisma(["migrate", "deploy"], { env, stdio: quiet ? "pipe" : "inherit" });
  return { ok: r.status === 0, applied: pending, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = migrate();
  if (!r.ok) process.exit(1);
  console.log(r.applied.length ? `applied ${r.applied.length} migration(s)` : "database is up to date");
}
