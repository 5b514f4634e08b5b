import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface AdminRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run admin`'s command line against a database, as an operator would; `input` is piped to
 * stdin ("" = empty, not a terminal), `env` adds to the environment.
 */
export function runAdminCli(url: string, args: string[], input = "", env: Record<string, string> = {}): AdminRun {
  const r = spawnSync(process.execPath, ["--import", "tsx", "monitors/cli/admin.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, ...env },
    input,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
