import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { writeConfig } from "../helpers/agent-process";
import { startHttp } from "../helpers/loopback";
import { ProbeLoop } from "@/monitors/agent/probe-loop";
import { StoreThread } from "@/monitors/agent/store-thread";
import { storeThreadEntry } from "@/monitors/agent/store-thread-entry";

// The agent's two threads, run here as monitors/agent.ts runs them: the probe loop on this thread,
// the store thread a real worker against a real SQLite file. What crosses between them must arrive
// exactly once, whatever happens to the writer.

const AGENT_MODULE = pathToFileURL(join(process.cwd(), "monitors", "agent.ts")).href;
const MONITORS = 8;
const INTERVAL_MS = 1000;

let t: TempDb;
let target: Awaited<ReturnType<typeof startHttp>>;

beforeAll(async () => {
  t = await createTempDb("sqlite");
  target = await startHttp((_req, res) => res.end("ok"));
  process.env.DATABASE_URL = t.url;
});
afterAll(async () => {
  await target?.close();
  await t?.cleanup();
});

function start(configFile: string, pendingLimit: number, lines: string[]) {
  let store: StoreThread;
  const loop = new ProbeLoop({ concurrency: 16, region: "default", emit: (o) => store.push(o) });
  store = new StoreThread({
    entry: storeThreadEntry(AGENT_MODULE),
    data: { configFile, region: "default" },
    loop,
    pendingLimit,
    log: (l) => lines.push(l),
  });
  return { loop, store };
}

/** Per monitor: stored slots, whether any is missing between the first and the last, and what the minute rollups count. */
async function ledger() {
  const rows = await t.db.checkResult.findMany({ select: { monitorId: true, slot: true }, orderBy: { slot: "asc" } });
  const rollups = await t.db.rollup.findMany({ where: { resolution: "minute" } });
  const out = new Map<number, { slots: number; gaps: number; rolledUp: number }>();
  for (const r of rows) {
    const m = out.get(r.monitorId) ?? { slots: 0, gaps: 0, rolledUp: 0, last: 0 };
    const last = (m as { last?: number }).last ?? 0;
    if (last && r.slot.getTime() - last !== INTERVAL_MS) m.gaps += Math.round((r.slot.getTime() - last) / INTERVAL_MS) - 1;
    out.set(r.monitorId, { ...m, slots: m.slots + 1, last: r.slot.getTime() } as typeof m);
  }
  for (const r of rollups) {
    const m = out.get(r.monitorId);
    if (m) m.rolledUp += r.up + r.degraded + r.down + r.maintenance;
  }
  return out;
}

describe("the agent's store thread", () => {
  it("dies three times while checks run; every outcome is stored once and counted once in the rollups", async () => {
    const config = writeConfig(
      t.dir,
      Array.from({ length: MONITORS }, (_, i) => ({
        slug: `s-${i}`,
        name: `S ${i}`,
        kind: "http",
        url: `${target.url}/${i}`,
        interval: "1s",
        timeout: "500ms",
      })),
    );
    const lines: string[] = [];
    const { loop, store } = start(config, 10_000, lines);
    await store.start();
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 2500));
      // Mid-stream: outcomes are on their way or in the writer's queue when it goes.
      await store.kill();
    }
    await new Promise((r) => setTimeout(r, 3000));
    await loop.stop();
    await store.stop();

    expect(store.stats.restarts).toBe(3);
    expect(lines.filter((l) => /store thread exited .* restarting it/.test(l))).toHaveLength(3);
    expect(lines.some((l) => /store thread restarted; handing it [1-9]\d* results not yet committed/.test(l))).toBe(true);
    expect(store.pendingCount, lines.join("\n")).toBe(0);
    const books = await ledger();
    expect(books.size).toBe(MONITORS);
    for (const [id, m] of books) {
      // The probes never stopped: no slot missing, and the rollups count each stored slot once.
      expect(m.gaps, `monitor ${id}`).toBe(0);
      expect(m.slots, `monitor ${id}`).toBeGreaterThanOrEqual(9);
      expect(m.rolledUp, `monitor ${id}`).toBe(m.slots);
    }
  }, 60_000);

  it("holds new checks when the writer falls behind its bound, says so, and loses nothing", async () => {
    const config = writeConfig(
      t.dir,
      Array.from({ length: MONITORS }, (_, i) => ({
        slug: `b-${i}`,
        name: `B ${i}`,
        kind: "http",
        url: `${target.url}/b${i}`,
        interval: "1s",
        timeout: "500ms",
      })),
      "backpressure.yaml",
    );
    const lines: string[] = [];
    const { loop, store } = start(config, 12, lines);
    await store.start();
    await new Promise((r) => setTimeout(r, 1500));
    // Another process holds SQLite's write lock for 4 s: the writer retries, outcomes pile up.
    const lock = spawn(process.execPath, ["tests/helpers/sqlite-write-lock.mjs", t.url.slice("file:".length), "4000"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const released = new Promise((r) => lock.on("exit", r));
    await released;
    await new Promise((r) => setTimeout(r, 2500));
    await loop.stop();
    await store.stop();

    expect(lines.some((l) => /^back-pressure: \d+ results wait for the writer \(limit 12\)/.test(l))).toBe(true);
    expect(lines.some((l) => /^back-pressure over/.test(l))).toBe(true);
    expect(loop.stats.heldSlots).toBeGreaterThan(0);
    expect(store.pendingCount).toBe(0);
    const stored = await t.db.checkResult.count({ where: { monitor: { slug: { startsWith: "b-" } } } });
    expect(stored).toBe(loop.stats.checks);
  }, 60_000);
});
