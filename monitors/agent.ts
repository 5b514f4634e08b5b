/**
 * The agent process: `npm run agent [-- --region NAME]`. Plain Node, no Next.js, so page
 * rendering never shares an event loop with a measured response time.
 *
 * Two threads. This one schedules checks, runs the probes and takes every timestamp, and does
 * nothing else; the store thread (monitors/agent-store.ts, a worker) owns the database: config
 * sync, the result writer with its rollups, incidents, notifications and housekeeping. Outcomes
 * cross over by message, in batches, so no write can make a check start late or look slow.
 */
import { watch } from "node:fs";
import { configPathFromEnv } from "./config/load";
import { ProbeLoop } from "./agent/probe-loop";
import { StoreThread, StoreThreadFatal } from "./agent/store-thread";
import { storeThreadEntry } from "./agent/store-thread-entry";

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

const log = (line: string) => console.log(`${new Date().toISOString()} agent ${line}`);
const configFile = configPathFromEnv();
const region = argValue("region") ?? process.env.REGION ?? "default";

let store: StoreThread;
const loop = new ProbeLoop({ concurrency: Number(process.env.CHECK_CONCURRENCY ?? 64), region, emit: (outcome) => store.push(outcome) });
store = new StoreThread({
  entry: storeThreadEntry(import.meta.url),
  data: { configFile, region },
  loop,
  pendingLimit: Number(process.env.RESULT_QUEUE_LIMIT ?? 20_000),
  heapMb: Number(process.env.AGENT_HEAP_MB ?? 128),
  log,
});

// Installed before the store thread starts: a SIGHUP's default action is to end the process, and
// one sent as soon as the "started" line appears could otherwise arrive before the handler.
let started = false;
let reloadTimer: NodeJS.Timeout | null = null;
const reload = () => {
  if (reloadTimer) clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => {
    reloadTimer = null;
    if (started) store.reload();
    else reload(); // asked during start: run once the store thread is ready
  }, 300);
};
process.on("SIGHUP", reload);

try {
  await store.start();
  started = true;
} catch (e) {
  await loop.stop();
  console.error(e instanceof StoreThreadFatal ? e.message : `agent: failed to start: ${(e as Error).stack ?? e}`);
  process.exit(2);
}

const watcher = process.env.CONFIG_WATCH === "0" ? null : watch(configFile, reload);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: finishing running checks`);
  watcher?.close();
  await loop.stop();
  await store.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
