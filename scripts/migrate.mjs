#!/usr/bin/env node
// Applies committed migrations with `prisma migrate deploy`, but only when some are pending:
// the JS schema engine needs the SQLite file to itself, so running it while the other process
// (web or agent) has the database open would fail for nothing. DATABASE_URL picks the provider
// and so the migration set (prisma/migrations or prisma/postgresql/migrations).
//
// On PostgreSQL the JS schema engine cannot apply migrations (it fails reading a column of type
// "name": prisma/orm#27403), so this script applies the committed migration.sql files itself, each
// in one transaction, and records them in Prisma's own _prisma_migrations table, where
// `prisma migrate status` (with a native engine) sees them as applied.
import { existsSync, readdirSync, readFileSync, mkdirSync } from "node:fs";
import { createHash, randomUUID } from "node:crypto";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { runPrisma } from "./prisma.mjs";
import { PROVIDERS } from "./prisma-schemas.mjs";

const require = createRequire(import.meta.url);
const DEFAULT_URL = "file:./data/status.db";
const isPostgres = (url) => /^postgres(ql)?:\/\//.test(url);

function sqlitePath(url) {
  const raw = url.slice("file:".length);
  return isAbsolute(raw) ? raw : resolve(process.cwd(), raw);
}

function committed(provider) {
  return readdirSync(PROVIDERS[provider].migrations, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

const APPLIED = "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL";

function appliedSqlite(url) {
  const file = sqlitePath(url);
  if (!existsSync(file)) return new Set();
  const Database = require("better-sqlite3");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    return new Set(
      table
        ? db
            .prepare(APPLIED)
            .all()
            .map((r) => r.migration_name)
        : [],
    );
  } finally {
    db.close();
  }
}

async function appliedPostgres(url) {
  const { Client } = require("pg");
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present");
    return new Set(rows[0].present ? (await client.query(APPLIED)).rows.map((r) => r.migration_name) : []);
  } finally {
    await client.end();
  }
}

export async function pendingMigrations(url = process.env.DATABASE_URL || DEFAULT_URL) {
  const provider = isPostgres(url) ? "postgresql" : "sqlite";
  const applied = provider === "postgresql" ? await appliedPostgres(url) : appliedSqlite(url);
  return committed(provider).filter((m) => !applied.has(m));
}

// Prisma's bookkeeping table, as its migrate engine creates it.
const PRISMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;
// Several processes may start at once against one database; one applies, the others wait.
const MIGRATION_LOCK = 72_707_001;

async function deployPostgres(url, log) {
  const { Client } = require("pg");
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (e) {
    const u = new URL(url);
    throw new Error(
      `DATABASE_URL: cannot connect to PostgreSQL at ${u.hostname}:${u.port || 5432}, database "${u.pathname.slice(1)}" (${e.message})`,
    );
  }
  const applied = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(PRISMA_MIGRATIONS_TABLE);
    const { rows } = await client.query(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((r) => [r.migration_name, r]));
    for (const name of committed("postgresql")) {
      const sql = readFileSync(join(PROVIDERS.postgresql.migrations, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const row = done.get(name);
      if (row && !row.finished_at)
        throw new Error(
          `migration ${name} was started and did not finish; inspect the database, then delete its row from _prisma_migrations`,
        );
      if (row && row.checksum !== checksum)
        throw new Error(`migration ${name} was changed after it was applied (checksum differs); migrations are append-only`);
      if (row) continue;
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), now(), 1)',
          [randomUUID(), checksum, name],
        );
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed and was rolled back: ${e.message}`);
      }
      applied.push(name);
      log(`applied ${name}`);
    }
  } finally {
    await client.end();
  }
  return applied;
}

export async function migrate({ env = process.env, quiet = false } = {}) {
  const url = env.DATABASE_URL || DEFAULT_URL;
  if (!url.startsWith("file:") && !isPostgres(url)) {
    const scheme = url.split(":")[0];
    return {
      ok: false,
      applied: [],
      output: `DATABASE_URL: "${scheme}:" is not a database this service supports; use file:./data/status.db (SQLite) or postgresql://user@host:5432/db\n`,
    };
  }
  if (isPostgres(url)) {
    try {
      const applied = await deployPostgres(url, quiet ? () => {} : console.log);
      return { ok: true, applied };
    } catch (e) {
      return { ok: false, applied: [], output: `${e.message}\n` };
    }
  }
  mkdirSync(dirname(sqlitePath(url)), { recursive: true });
  let pending;
  try {
    pending = await pendingMigrations(url);
  } catch (e) {
    return { ok: false, applied: [], output: `DATABASE_URL: cannot read the migration table (${e.message})\n` };
  }
  if (!pending.length) return { ok: true, applied: [] };
  const r = runPrisma(["migrate", "deploy"], { env: { ...env, DATABASE_URL: url }, stdio: quiet ? "pipe" : "inherit" });
  return { ok: r.status === 0, applied: pending, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await migrate();
  if (!r.ok) {
    process.stderr.write(r.output ?? "");
    process.exit(1);
  }
  console.log(r.applied.length ? `applied ${r.applied.length} migration(s)` : "database is up to date");
}
