import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { AGENT_BUNDLE, AGENT_NODE_FLAGS } from "@/scripts/build-agent.mjs";

export interface AgentProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
}

/** Writes a config file into `dir` and returns its path. */
export function writeConfig(dir: string, monitors: Array<Record<string, unknown>>, name = "monitors.yaml"): string {
  const file = join(dir, name);
  writeFileSync(file, stringify({ monitors }));
  return file;
}

/** Spawns an agent command (Node arguments) against a database and config, and watches its output. */
export function spawnAgent(
  nodeArgs: string[],
  databaseUrl: string,
  configFile: string,
  extraEnv: Record<string, string> = {},
  pollMs = 50,
): AgentProcess {
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, DATABASE_URL: databaseUrl, MONITORS_CONFIG: configFile, CONFIG_WATCH: "0", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor: async (pattern, timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > until) throw new Error(`agent did not print ${pattern} within ${timeoutMs} ms; output:\n${out}`);
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`agent exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; output:\n${out}`);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
  };
}

/**
 * Runs the agent as `npm start` does: the bundle of monitors/agent.ts and its store thread
 * (tests/global-setup.ts builds it from the current sources), with the same Node flags. Under tsx
 * each of its two threads would compile the TypeScript again, which on a busy two-core machine
 * makes a start take seconds.
 */
export function startAgent(databaseUrl: string, configFile: string, extraEnv: Record<string, string> = {}): AgentProcess {
  return spawnAgent([...AGENT_NODE_FLAGS, AGENT_BUNDLE], databaseUrl, configFile, extraEnv);
}
