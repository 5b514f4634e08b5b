/**
 * The agent's store thread (a worker_threads worker started by monitors/agent.ts): it opens the
 * database and runs StatusAgent (config sync, writer, rollups, incidents, notifications,
 * housekeeping, leases), while the checks run on the process's main thread, which hands it their
 * outcomes in batches and gets acknowledgements back once they are committed.
 */
import { writeSync } from "node:fs";
import type { MessagePort } from "node:worker_threads";
import { openDatabase, type Db } from "../store/client";
import { ConfigError } from "../config/load";
import { AgentSetupError, StatusAgent } from "./status-agent";
import type { ProbeAssignment, ProbeControl } from "./probe-loop";
import type { StoreThreadData, ToProbeThread, ToStoreThread } from "./thread-messages";
import type { NumberedOutcome } from "./pending-results";

/** Straight to the process's stdout: console.log in a worker is relayed by the main thread, which must stay free. */
function logLine(line: string): void {
  writeSync(1, `${new Date().toISOString()} agent ${line}\n`);
}

/** The probe thread, as the store side sees it: every call is a message. */
class ProbeThreadPort implements ProbeControl {
  constructor(private readonly port: MessagePort) {}

  private send(message: ToProbeThread): void {
    this.port.postMessage(message);
  }

  setAssignments(list: ProbeAssignment[], leased: boolean): void {
    this.send({ type: "assignments", list, leased });
  }

  setLeases(validUntil: ReadonlyMap<number, number>, claimedAt?: number): void {
    this.send({ type: "leases", ids: [...validUntil.keys()], validUntil: [...validUntil.values()], claimedAt });
  }

  start(): void {
    this.send({ type: "start-probes" });
  }

  /** The probe thread stops itself before it asks this side to stop. */
  async stop(): Promise<void> {}
}

function setupFailure(e: unknown): string[] {
  if (e instanceof ConfigError)
    return [e.message, `agent: ${e.problems.length} problem(s) in the config; nothing was changed in the database`];
  if (e instanceof AgentSetupError) return [`agent: ${e.message}`];
  return [`agent: failed to start: ${(e as Error).stack ?? e}`];
}

export async function runStoreWorker(port: MessagePort, data: StoreThreadData): Promise<void> {
  const send = (message: ToProbeThread) => port.postMessage(message);
  let db: Db | undefined;
  try {
    db = (await openDatabase()).db;
    const agent = new StatusAgent({
      db,
      configFile: data.configFile,
      region: data.region,
      probes: new ProbeThreadPort(port),
      log: logLine,
      onWritten: (batch) => send({ type: "ack", seq: Math.max(...batch.map((o) => (o as NumberedOutcome).seq)) }),
    });
    await agent.start();
    port.on("message", (message: ToStoreThread) => {
      if (message.type === "outcomes") {
        for (const o of message.outcomes) agent.accept(o);
      } else if (message.type === "reload") {
        void agent.reload().catch((e) => logLine(`reload failed: ${(e as Error).message}`));
      } else if (message.type === "stop") {
        void agent
          .stop()
          .then(() => db!.$disconnect())
          .finally(() => send({ type: "stopped" }));
      }
    });
    send({ type: "ready" });
  } catch (e) {
    send({ type: "fatal", lines: setupFailure(e) });
    await db?.$disconnect().catch(() => {});
  }
}
