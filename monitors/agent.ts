/**
 * The agent process: `npm run agent [-- --region NAME]`. Plain Node, no Next.js, so
 * page rendering never shares an event loop with a measured response time.
 */
import { watch } from "node:fs";
import { openDatabase } from "./store/client";
import { configPathFromEnv, ConfigError } from "./config/load";
import { AgentSetupError, StatusAgent } from "./agent/status-agent";

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

const configFile = configPathFromEnv();
const region = argValue("region") ?? process.env.REGION ?? "default";
const concurrency = Number(process.env.CHECK_CONCURRENCY ?? 64);

const { db } = await openDatabase();
const agent = new StatusAgent({ db, configFile, region, concurrency });
try {
  await agent.start();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    console.error(`agent: ${e.problems.length} problem(s) in the config; nothing was changed in the database`);
  } else if (e instanceof AgentSetupError) {
    console.error(`agent: ${e.message}`);
  } else {
    console.error(`agent: failed to start: ${(e as Error).stack ?? e}`);
  }
  await db.$disconnect();
  process.exit(2);
}

let reloadTimer: NodeJS.Timeout | null = null;
const reload = () => {
  if (reloadTimer) clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => void agent.reload().catch((e) => console.error(`agent: reload failed: ${(e as Error).message}`)), 300);
};
process.on("SIGHUP", reload);
const watcher = process.env.CONFIG_WATCH === "0" ? null : watch(configFile, reload);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${new Date().toISOString()} agent ${signal}: finishing running checks`);
  watcher?.close();
  await agent.stop();
  await db.$disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
