import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPrisma } from "../../scripts/prisma.mjs";
import { openDatabase, type Db } from "../../monitors/store/client";

export interface TempDb {
  dir: string;
  url: string;
  db: Db;
  cleanup: () => Promise<void>;
}

/** A fresh SQLite database in a temp folder, migrated with the committed migrations. */
export async function createTempDb(): Promise<TempDb> {
  const dir = mkdtempSync(join(tmpdir(), "status-test-"));
  const url = `file:${join(dir, "status.db")}`;
  const r = runPrisma(["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  if (r.status !== 0) throw new Error(`migrate deploy failed: ${r.stdout}${r.stderr}`);
  const { db } = await openDatabase(url);
  return {
    dir,
    url,
    db,
    cleanup: async () => {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
