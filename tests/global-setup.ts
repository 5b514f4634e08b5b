// Builds the web app and the agent bundle once before any test file starts a process, so
// parallel test files never run two builds in the same folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWebIfNeeded } from "../scripts/build-web.mjs";
import { buildAgentIfNeeded } from "../scripts/build-agent.mjs";
import { migrate } from "../scripts/migrate.mjs";

export default async function setup() {
  // `next build` prerenders the cached pages, which read a database: give it an empty one.
  const dir = mkdtempSync(join(tmpdir(), "status-build-"));
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = `file:${join(dir, "build.db")}`;
  try {
    const r = await migrate({ quiet: true });
    if (!r.ok) throw new Error(`migration for the build database failed:\n${r.output}`);
    buildWebIfNeeded();
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    rmSync(dir, { recursive: true, force: true });
  }
  await buildAgentIfNeeded();
}
