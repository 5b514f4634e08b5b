#!/usr/bin/env node
// Builds the Next.js app when there is no build yet or a source changed since the last one.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIslands } from "./build-islands.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = ["app", "pages", "monitors", "public", "scripts/theme-boot.mjs", "next.config.js", "package-lock.json", "tsconfig.json"];

/** The newest modification time of a file or of anything below a folder (0 when missing). */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function webBuildIsCurrent() {
  const buildId = join(root, ".next", "BUILD_ID");
  return existsSync(buildId) && statSync(buildId).mtimeMs >= Math.max(...SOURCES.map((p) => newestMtime(join(root, p))));
}

/** Returns true when it built. Exits the process when the build fails. */
export function buildWebIfNeeded(log = console.log) {
  if (webBuildIsCurrent()) return false;
  log("building the web app (first start or changed sources)");
  buildIslands();
  const r = spawnSync(process.execPath, [join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) {
    console.error("next build failed");
    process.exit(1);
  }
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildWebIfNeeded();
