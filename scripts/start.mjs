#!/usr/bin/env node
// npm start: migrate, build the web app if needed, then run web and agent as two
// processes (so page rendering never delays a probe), stopping both on Ctrl-C.
// `--web` or `--agent` runs one alone; arguments after them go to that process.
import { spawn } from "node:child_process";
import { setPriority } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "./migrate.mjs";
import { buildWebIfNeeded } from "./build-web.mjs";
import { AGENT_BUNDLE, AGENT_NODE_FLAGS, buildAgentIfNeeded } from "./build-agent.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const only = args[0] === "--web" ? "web" : args[0] === "--agent" ? "agent" : null;
const extra = only ? args.slice(1) : args;
const port = process.env.PORT || "3000";
const log = (line) => console.log(`${new Date().toISOString()} start ${line}`);

async function migrateOrExit() {
  const r = await migrate({ quiet: true });
  if (!r.ok) {
    process.stderr.write(r.output);
    console.error("start: database migration failed; nothing was started");
    process.exit(1);
  }
  log(r.applied.length ? `applied migrations: ${r.applied.join(", ")}` : "database schema is up to date");
}

const children = new Map();
let stopping = false;

function launch(name, argv) {
  const child = spawn(process.execPath, argv, { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  children.set(name, child);
  // Page rendering yields the CPU to the agent: a late probe is a wrong measurement, a late
  // page is only slower. Raising a priority needs privileges; lowering one does not.
  if (name === "web") {
    try {
      setPriority(child.pid, Number(process.env.WEB_NICE ?? 5));
    } catch {
      // not allowed here: run at normal priority
    }
  }
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`start: ${name} exited (${signal ?? code}); stopping the rest`);
      stop(code || 1);
    } else if (!children.size) process.exit(process.exitCode ?? 0);
  });
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children.values()) child.kill("SIGTERM");
  if (!children.size) process.exit(code);
  // A child that ignores SIGTERM does not keep the terminal hostage.
  setTimeout(() => {
    for (const child of children.values()) child.kill("SIGKILL");
  }, 20_000).unref();
}

process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
process.on("SIGHUP", () => children.get("agent")?.kill("SIGHUP"));

await migrateOrExit();
if (only !== "agent") buildWebIfNeeded(log);
if (only !== "web" && (await buildAgentIfNeeded())) log("bundled the agent");
if (only !== "agent") launch("web", [join(root, "scripts", "web-server.mjs"), ...(only === "web" ? extra : [])]);
if (only !== "web") launch("agent", [...AGENT_NODE_FLAGS, AGENT_BUNDLE, ...(only === "agent" ? extra : [])]);
log(`${only ?? "web and agent"} started${only !== "agent" ? ` — status page on http://localhost:${port}` : ""}`);
