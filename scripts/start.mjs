#!/usr/bin/env node
// npm start: migrate, build the web app if needed, then run web and agent as two
// processes (so page rendering never delays a probe), restarting either if it crashes
// (scripts/supervisor.mjs), stopping both on Ctrl-C.
// `--web` or `--agent` runs one alone; arguments after them go to that process.
import { setPriority } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "./migrate.mjs";
import { buildWebIfNeeded } from "./build-web.mjs";
import { AGENT_BUNDLE, AGENT_NODE_FLAGS, buildAgentIfNeeded } from "./build-agent.mjs";
import { Supervisor } from "./supervisor.mjs";

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

// Children that die unexpectedly are restarted with backoff; Ctrl-C or SIGTERM stops both.
const supervisor = new Supervisor({
  cwd: root,
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  log,
  onSpawn: (name, child) => {
    // Page rendering yields the CPU to the agent: a late probe is a wrong measurement, a late
    // page is only slower. Raising a priority needs privileges; lowering one does not.
    if (name !== "web") return;
    try {
      setPriority(child.pid, Number(process.env.WEB_NICE ?? 5));
    } catch {
      // not allowed here: run at normal priority
    }
  },
  onAllStopped: () => process.exit(0),
});

function stop() {
  log("stopping");
  supervisor.stop();
}

process.on("SIGINT", stop);
process.on("SIGTERM", stop);
// SIGHUP reloads the agent's config, or starts the agent at once if it is waiting to restart.
process.on("SIGHUP", () => supervisor.child("agent")?.kill("SIGHUP") ?? supervisor.restartNow("agent"));

await migrateOrExit();
if (only !== "agent") buildWebIfNeeded(log);
if (only !== "web" && (await buildAgentIfNeeded())) log("bundled the agent");
if (only !== "agent") supervisor.launch("web", [join(root, "scripts", "web-server.mjs"), ...(only === "web" ? extra : [])]);
if (only !== "web") supervisor.launch("agent", [...AGENT_NODE_FLAGS, AGENT_BUNDLE, ...(only === "agent" ? extra : [])]);
log(`${only ?? "web and agent"} started${only !== "agent" ? ` — status page on http://localhost:${port}` : ""}`);
