import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { runPrisma } from "@/scripts/prisma.mjs";
import { migrate } from "@/scripts/migrate.mjs";
import { PROVIDERS } from "@/scripts/prisma-schemas.mjs";
import { openDatabase, type Db } from "@/monitors/store/client";
import { ABOUT, missing, TEST_POSTGRES_URL } from "./external-parts";

export interface TempDb {
  dir: string;
  url: string;
  db: Db;
  provider: "sqlite" | "postgresql";
  cleanup: () => Promise<void>;
}

/** Which database the suite runs on: the "postgres" test project sets TEST_DATABASE_PROVIDER. */
export const testProvider = (): "sqlite" | "postgresql" => (process.env.TEST_DATABASE_PROVIDER === "postgresql" ? "postgresql" : "sqlite");

/**
 * A fresh database, migrated with the committed migrations: a SQLite file in a temp folder, or on
 * PostgreSQL a new database copied from a migrated template (CREATE DATABASE … TEMPLATE takes
 * milliseconds, `migrate deploy` seconds).
 */
export async function createTempDb(provider = testProvider()): Promise<TempDb> {
  // A test that needs PostgreSQL skips with describe.skipIf(missing("postgres")); one that forgot says so here.
  if (provider === "postgresql" && missing("postgres"))
    throw new Error(`PostgreSQL is missing (${TEST_POSTGRES_URL}): ${ABOUT.postgres.get}`);
  const dir = mkdtempSync(join(tmpdir(), "status-test-"));
  if (provider === "postgresql") return createTempPostgres(dir);
  const url = `file:${join(dir, "status.db")}`;
  migrateDeploy(url);
  const { db } = await openDatabase(url);
  return {
    dir,
    url,
    db,
    provider,
    cleanup: async () => {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function migrateDeploy(url: string) {
  const r = runPrisma(["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  if (r.status !== 0) throw new Error(`migrate deploy failed: ${r.stdout}${r.stderr}`);
}

function databaseUrl(name: string): string {
  const u = new URL(TEST_POSTGRES_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The migrated template for the committed migrations (named by their hash, so any change to them makes a new one). */
async function template(): Promise<string> {
  const hash = createHash("sha256");
  for (const dir of readdirSync(PROVIDERS.postgresql.migrations).sort()) {
    if (dir.endsWith(".toml")) continue;
    hash.update(dir).update(readFileSync(join(PROVIDERS.postgresql.migrations, dir, "migration.sql")));
  }
  const name = `status_tmpl_${hash.digest("hex").slice(0, 12)}`;
  await withAdmin(async (c) => {
    // Test files run in parallel forks: one builds the template, the others wait for it.
    await c.query("SELECT pg_advisory_lock(77001)");
    try {
      const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (!rowCount) {
        const building = `${name}_building`;
        await c.query(`DROP DATABASE IF EXISTS ${building}`);
        await c.query(`CREATE DATABASE ${building}`);
        const r = await migrate({ env: { ...process.env, DATABASE_URL: databaseUrl(building) }, quiet: true });
        if (!r.ok) throw new Error(`migrating the template failed: ${r.output}`);
        await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      }
    } finally {
      await c.query("SELECT pg_advisory_unlock(77001)");
    }
  });
  return name;
}

async function createTempPostgres(dir: string): Promise<TempDb> {
  const tmpl = await template();
  const name = `status_t_${randomBytes(6).toString("hex")}`;
  // CREATE DATABASE … TEMPLATE needs the template to have no other session; copies run one at a time.
  await withAdmin(async (c) => {
    await c.query("SELECT pg_advisory_lock(77002)");
    try {
      await c.query(`CREATE DATABASE ${name} TEMPLATE ${tmpl}`);
    } finally {
      await c.query("SELECT pg_advisory_unlock(77002)");
    }
  });
  const url = databaseUrl(name);
  const { db } = await openDatabase(url);
  return {
    dir,
    url,
    db,
    provider: "postgresql",
    cleanup: async () => {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
    },
  };
}
