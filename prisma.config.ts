// The JS schema engine with a driver adapter: migrate deploy/diff run without the
// native engines, which cannot be downloaded here (see README, "Storage").
// DATABASE_URL picks the provider: file: is SQLite (prisma/), postgres:// is PostgreSQL
// (prisma/postgresql/, derived from prisma/schema.prisma).
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { ensureSqliteFolder, resolveDatabaseTarget } from "./monitors/store/database-url";

const target = resolveDatabaseTarget();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: target.provider === "postgresql" ? "prisma/postgresql/schema.prisma" : "prisma/schema.prisma",
  async adapter() {
    if (target.provider === "postgresql") return new PrismaPg({ connectionString: target.url });
    ensureSqliteFolder(target);
    return new PrismaBetterSQLite3({ url: target.filePath }, { timestampFormat: "unixepoch-ms" });
  },
});
