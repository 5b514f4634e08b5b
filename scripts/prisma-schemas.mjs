// The schema is written once, for SQLite, in prisma/schema.prisma. The PostgreSQL schema is
// derived from it (same models; only the provider and the client's output folder differ), so the
// two can never describe different data. `npm run db:migration` and `postinstall` rewrite it, and
// tests/unit/migrations-in-sync.test.ts fails when the committed copy is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export const PROVIDERS = {
  sqlite: { schema: join(root, "prisma", "schema.prisma"), migrations: join(root, "prisma", "migrations") },
  postgresql: { schema: join(root, "prisma", "postgresql", "schema.prisma"), migrations: join(root, "prisma", "postgresql", "migrations") },
};

const HEADER =
  "// GENERATED from prisma/schema.prisma by scripts/prisma-schemas.mjs: edit that file, then run `npm run db:migration -- NAME`.\n";

/** The PostgreSQL schema text for the given SQLite schema text. */
export function postgresqlSchemaText(sqliteText) {
  const generator = /generator client \{[^}]*\}/;
  const datasource = /datasource db \{[^}]*\}/;
  if (!generator.test(sqliteText) || !datasource.test(sqliteText))
    throw new Error("prisma/schema.prisma: expected a `generator client` and a `datasource db` block");
  return (
    HEADER +
    sqliteText
      .replace(generator, (block) => block.replace(/\n\}$/, '\n  output     = "./client"\n}'))
      .replace(datasource, (block) => block.replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"'))
  );
}

/** Rewrites prisma/postgresql/schema.prisma; says whether it changed. */
export function writeDerivedSchemas() {
  const text = postgresqlSchemaText(readFileSync(PROVIDERS.sqlite.schema, "utf8"));
  let old = "";
  try {
    old = readFileSync(PROVIDERS.postgresql.schema, "utf8");
  } catch {}
  if (old === text) return false;
  writeFileSync(PROVIDERS.postgresql.schema, text);
  return true;
}

/** Whether the committed derived schema matches schema.prisma. */
export function derivedSchemasInSync() {
  return readFileSync(PROVIDERS.postgresql.schema, "utf8") === postgresqlSchemaText(readFileSync(PROVIDERS.sqlite.schema, "utf8"));
}
