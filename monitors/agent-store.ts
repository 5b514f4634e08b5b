/** Entry of the agent's store thread; see monitors/agent/store-worker.ts. */
import { parentPort, workerData } from "node:worker_threads";
import { runStoreWorker } from "./agent/store-worker";
import type { StoreThreadData } from "./agent/thread-messages";

await runStoreWorker(parentPort!, workerData as StoreThreadData);
