#!/usr/bin/env node
// Runs the Prisma CLI without letting it download native engines: with engine "js"
// and engineType "client" they are never used, but the CLI checks that files exist.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const placeholders = join(root, "node_modules", ".cache", "prisma-engine-placeholders");

export function prismaEnv(env = process.env) {
  mkdirSync(placeholders, { recursive: true });
  const schemaEngine = join(placeholders, "schema-engine");
  const queryEngine = join(placeholders, "libquery_engine.so.node");
  for (const f of [schemaEngine, queryEngine]) if (!existsSync(f)) writeFileSync(f, "");
  return {
    ...env,
    DATABASE_URL: env.DATABASE_URL || "file:./data/status.db",
    PRISMA_SCHEMA_ENGINE_BINARY: schemaEngine,
    PRISMA_QUERY_ENGINE_LIBRARY: queryEngine,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  };
}

export function runPrisma(args, { env = process.env, stdio = "inherit" } = {}) {
  const cli = join(root, "node_modules", "prisma", "build", "index.js");
  return spawnSync(process.execPath, [cli, ...args], { cwd: root, env: prismaEnv(env), stdio, encoding: "utf8" });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = runPrisma(process.argv.slice(2));
  process.exit(r.status ?? 1);
}
