// The JS schema engine with a driver adapter: migrate deploy/diff run without the
// native engines, which cannot be downloaded here (see README, "Storage").
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { ensureSqliteFolder, resolveDatabaseTarget } from "./monitors/store/database-url";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  async adapter() {
    const target = resolveDatabaseTarget();
    if (target.provider !== "sqlite") throw new Error("PostgreSQL migrations are not wired yet");
    ensureSqliteFolder(target);
    return new PrismaBetterSQLite3({ url: target.filePath }, { timestampFormat: "unixepoch-ms" });
  },
});
