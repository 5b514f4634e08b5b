#!/usr/bin/env node
// npm run db:migration -- NAME
// Writes prisma/migrations/<timestamp>_NAME/migration.sql from the difference between the
// schema at the last migration (its schema.snapshot.prisma) and prisma/schema.prisma.
// `prisma migrate dev` needs the native schema engine, which this project does not download.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPrisma } from "./prisma.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const migrationsDir = join(root, "prisma", "migrations");
const schema = join(root, "prisma", "schema.prisma");

export function latestSnapshot() {
  const dirs = readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  return dirs.length ? join(migrationsDir, dirs.at(-1), "schema.snapshot.prisma") : null;
}

/** SQL that takes the last migration's schema to the current one ("" when they match). */
export function pendingSchemaSql() {
  const from = latestSnapshot();
  const r = runPrisma(["migrate", "diff", ...(from ? ["--from-schema-datamodel", from] : ["--from-empty"]), "--to-schema-datamodel", schema, "--script"], { stdio: "pipe" });
  if (r.status !== 0) throw new Error(`migrate diff failed:\n${r.stdout}${r.stderr}`);
  return r.stdout.includes("This is an empty migration") ? "" : r.stdout;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error("usage: npm run db:migration -- <name in lowercase_with_underscores>");
    process.exit(2);
  }
  const sql = pendingSchemaSql();
  if (!sql) {
    console.log("schema.prisma matches the last migration; nothing to write");
    process.exit(0);
  }
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = join(migrationsDir, `${stamp}_${name}`);
  mkdirSync(dir);
  try {
    writeFileSync(join(dir, "migration.sql"), sql);
    copyFileSync(schema, join(dir, "schema.snapshot.prisma"));
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  console.log(`wrote ${dir}/migration.sql`);
}
