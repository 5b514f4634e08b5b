// The store thread's heartbeat pass against a real SQLite database and the real result writer, on a
// fake clock: pings become slots once, a restarted pass replays without writing anything twice and
// judges the due times missed while it was down, and old pings are purged but the newest kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { parseConfig } from "@/monitors/config/load";
import { checkHeartbeatConfig } from "@/monitors/heartbeat/heartbeat-config";
import { syncConfig, type SyncedMonitor } from "@/monitors/store/config-sync";
import { loadLiveStates } from "@/monitors/store/live-states";
import { resultWriter } from "@/monitors/store/result-writer";
import { HeartbeatPass } from "@/monitors/heartbeat/heartbeat-pass";
import { purgeOldPings } from "@/monitors/heartbeat/ping-retention";

const T0 = Date.parse("2026-12-01T00:00:00Z");
const S = 1000;

describe("heartbeat pass on SQLite (fake clock)", () => {
  let t: TempDb;
  let monitors: SyncedMonitor[];
  let id: number;
  let now = T0;

  beforeAll(async () => {
    t = await createTempDb("sqlite");
    const config = checkHeartbeatConfig(
      parseConfig("monitors:\n  - { slug: nightly, name: Nightly, kind: heartbeat, every: 10s, grace: 5s }\n", "hb.yaml", {}),
      { env: {} },
    );
    monitors = (await syncConfig(t.db, config)).monitors;
    id = monitors[0].id;
  });
  afterAll(async () => t?.cleanup());

  /** A pass with its own writer, as a (re)started agent has. */
  async function startPass() {
    const states = await loadLiveStates(t.db, monitors);
    const writer = resultWriter(t.db, states);
    const pass = new HeartbeatPass(t.db, (o) => writer.push(o), { region: "default", now: () => now, settleMs: 2 * S });
    await pass.apply(monitors);
    return { pass, writer };
  }
  const ping = (atMs: number, kind = "success") =>
    t.db.heartbeatPing.create({ data: { monitorId: id, at: new Date(T0 + atMs), kind, bodyTruncated: false } });
  const slots = async () =>
    (await t.db.checkResult.findMany({ where: { monitorId: id }, orderBy: { slot: "asc" } })).map(
      (r) => `${(r.slot.getTime() - T0) / S}s ${r.status}`,
    );

  it("judges pings and deadlines into slot results once, and a restart replays without duplicates", async () => {
    const first = await startPass();
    await ping(0);
    await ping(10 * S);
    now = T0 + 11 * S;
    await first.pass.run();
    await first.writer.drain();
    expect(await slots()).toEqual(["0s up", "10s up"]);
    // Due at 20 s, no ping: judged at 20 + 5 + 2 s.
    now = T0 + 26 * S;
    await first.pass.run();
    await first.writer.drain();
    expect(await slots()).toEqual(["0s up", "10s up"]);
    now = T0 + 27.5 * S;
    await first.pass.run();
    await first.writer.drain();
    expect(await slots()).toEqual(["0s up", "10s up", "20s down"]);
    first.writer.close();

    // The agent is down; the job pings at 45 s and 50 s; the agent comes back at 52 s.
    await ping(45 * S, "start");
    await ping(50 * S);
    now = T0 + 52 * S;
    const second = await startPass();
    await second.pass.run();
    await second.writer.drain();
    expect(await slots()).toEqual(["0s up", "10s up", "20s down", "30s down", "40s down", "50s up"]);
    expect(second.writer.counts.skippedDuplicates).toBeGreaterThan(0);
    const last = await t.db.checkResult.findFirstOrThrow({ where: { monitorId: id }, orderBy: { slot: "desc" } });
    expect(last.totalMs).toBe(5 * S);
    expect(await t.db.monitorState.findUnique({ where: { monitorId: id } })).toMatchObject({ status: "up" });
    // Another pass with nothing new writes nothing.
    await second.pass.run();
    await second.writer.drain();
    expect(await slots()).toHaveLength(6);
    second.writer.close();
  });

  it("purges pings past the raw retention but keeps each monitor's newest success or fail", async () => {
    const purged = await purgeOldPings(t.db, 1, T0 + 3 * 86_400_000);
    expect(purged).toBe(3);
    const left = await t.db.heartbeatPing.findMany({ where: { monitorId: id } });
    expect(left.map((p) => (p.at.getTime() - T0) / S)).toEqual([50]);
  });
});
