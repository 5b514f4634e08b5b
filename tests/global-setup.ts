// Builds the web app and the agent bundle once before any test file starts a process, so
// parallel test files never run two builds in the same folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWebIfNeeded } from "../scripts/build-web.mjs";
import { buildAgentIfNeeded } from "../scripts/build-agent.mjs";
import { migrate } from "../scripts/migrate.mjs";
import { describeParts, detectParts, recordedParts } from "./helpers/external-parts";

/**
 * Says at the start of the run which external parts were found (vitest.config.ts looked for them)
 * and what is skipped for each missing one; with TEST_STRICT=1 (CI) a missing part fails the run.
 */
async function reportParts() {
  if (process.env.TEST_PARTS_REPORTED) return; // once per run, not once per project
  process.env.TEST_PARTS_REPORTED = "1";
  const found = recordedParts() ?? (await detectParts());
  const missing = found.filter((f) => f.reason);
  console.log(["External parts of the test suite:", ...describeParts(found)].join("\n"));
  const strict = !["", "0", "false"].includes(process.env.TEST_STRICT ?? "");
  if (missing.length && strict) {
    throw new Error(
      `TEST_STRICT=${process.env.TEST_STRICT}: ${missing.map((f) => f.part).join(", ")} missing; the run needs every external part (see the lines above)`,
    );
  }
}

export default async function setup() {
  await reportParts();
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
