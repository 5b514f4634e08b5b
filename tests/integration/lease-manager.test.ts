import { afterEach, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { missing } from "../helpers/external-parts";
import { writeConfig } from "../helpers/agent-process";
import { createMonitors, heartbeat, holders, leaseRows, sleep } from "../helpers/regions";
import { LeaseManager, type LeaseTiming } from "@/monitors/regions/lease-manager";
import { ADVISORY_LOCKS } from "@/monitors/store/advisory-lock";
import { StatusAgent } from "@/monitors/agent/status-agent";
import { openDatabase, type Db } from "@/monitors/store/client";
import { pgPoolOf, registerPgPool } from "@/monitors/store/pg-direct";

// The lease manager against a real PostgreSQL, with Agent heartbeat rows written by the test. Ticks
// get explicit clock values (the manager compares them with the stored expiries and heartbeats),
// so the scenarios run in milliseconds without waiting for leases to expire.
const TIMING: LeaseTiming = { ttlMs: 2000, renewEveryMs: 500 };
const REGION = "eu-west";

const sorted = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);

describe.skipIf(missing("postgres"))("LeaseManager on PostgreSQL", () => {
  let t: TempDb;
  const extraClients: Db[] = [];

  beforeEach(async () => {
    t = await createTempDb("postgresql");
  });
  afterEach(async () => {
    for (const c of extraClients.splice(0)) await c.$disconnect();
    await t.cleanup();
  });

  it("one agent claims every monitor of its region, renews them, and only its region's", async () => {
    const ids = await createMonitors(t.db, 6);
    const base = Date.now();
    const a = new LeaseManager(t.db, "agent-a", REGION, TIMING);
    await heartbeat(t.db, "agent-a", REGION, base);
    await a.setMonitors(ids);
    expect((await leaseRows(t.db)).map((r) => [r.monitorId, r.agentId])).toEqual(ids.map((id) => [id, null]));

    const first = await a.tick(base);
    expect(first).toMatchObject({ liveAgents: 1, share: 6, released: [], lost: [] });
    expect(sorted(first.claimed)).toEqual(ids);
    expect(sorted(first.held)).toEqual(ids);
    expect(sorted(a.heldIds())).toEqual(ids);
    for (const r of await leaseRows(t.db)) expect([r.agentId, r.expiresAt.getTime()]).toEqual(["agent-a", base + TIMING.ttlMs]);
    // Checks may start until a renewal is a full period overdue, not until the row expires.
    for (const id of ids) {
      expect(a.mayCheck(id, base + 1)).toBe(true);
      expect(a.mayCheck(id, base + TIMING.ttlMs - TIMING.renewEveryMs)).toBe(false);
    }
    expect(a.mayCheck(999_999, base)).toBe(false);

    // The next tick renews: nothing new claimed, expiry moved on.
    const second = await a.tick(base + 500);
    expect(second).toMatchObject({ claimed: [], released: [], lost: [], share: 6 });
    expect(sorted(second.held)).toEqual(ids);
    for (const r of await leaseRows(t.db)) expect(r.expiresAt.getTime()).toBe(base + 500 + TIMING.ttlMs);

    // Another region has its own rows: its agent claims the same monitors there, this region's stay.
    const us = new LeaseManager(t.db, "agent-us", "us-east", TIMING);
    await heartbeat(t.db, "agent-us", "us-east", base);
    await us.setMonitors(ids.slice(0, 4));
    expect(sorted((await us.tick(base + 600)).claimed)).toEqual(ids.slice(0, 4));
    expect(holders(await leaseRows(t.db, REGION), base + 600)).toEqual(new Map([["agent-a", ids]]));
    expect(holders(await leaseRows(t.db, "us-east"), base + 600)).toEqual(new Map([["agent-us", ids.slice(0, 4)]]));

    // A monitor the region no longer probes loses its row; the agent drops it at its next tick.
    await a.setMonitors(ids.slice(1));
    const third = await a.tick(base + 1000);
    expect(sorted(third.held)).toEqual(ids.slice(1));
    expect(third.lost).toEqual([ids[0]]);
    expect(a.mayCheck(ids[0], base + 1000)).toBe(false);
    expect((await leaseRows(t.db, "us-east")).length).toBe(4);
  });

  it("a second agent joining gets its fair share within two ticks", async () => {
    const ids = await createMonitors(t.db, 7);
    const base = Date.now();
    const a = new LeaseManager(t.db, "agent-a", REGION, TIMING);
    const b = new LeaseManager(t.db, "agent-b", REGION, TIMING);
    await heartbeat(t.db, "agent-a", REGION, base);
    await a.setMonitors(ids);
    expect((await a.tick(base)).held.size).toBe(7);

    // B starts: heartbeat, then its first tick. Everything is held by A, so it waits.
    await heartbeat(t.db, "agent-b", REGION, base + 100);
    await b.setMonitors(ids);
    const b1 = await b.tick(base + 100);
    expect(b1).toMatchObject({ liveAgents: 2, share: 4, claimed: [] });
    expect(b1.held.size).toBe(0);

    // A's next tick gives back what is above its share (the highest ids) and stops checking them.
    await heartbeat(t.db, "agent-a", REGION, base + 500);
    const a2 = await a.tick(base + 500);
    expect(a2).toMatchObject({ liveAgents: 2, share: 4, claimed: [] });
    expect(sorted(a2.released)).toEqual(ids.slice(4));
    expect(sorted(a2.held)).toEqual(ids.slice(0, 4));
    for (const id of ids.slice(4)) expect(a.mayCheck(id, base + 500)).toBe(false);

    // B's second tick takes them.
    await heartbeat(t.db, "agent-b", REGION, base + 600);
    const b2 = await b.tick(base + 600);
    expect(sorted(b2.claimed)).toEqual(ids.slice(4));
    for (const id of ids.slice(4)) expect(b.mayCheck(id, base + 600)).toBe(true);

    const held = holders(await leaseRows(t.db, REGION), base + 600);
    expect(sorted(held.get("agent-a")!)).toEqual(ids.slice(0, 4));
    expect(sorted(held.get("agent-b")!)).toEqual(ids.slice(4));

    // Stable from here: further ticks neither give back nor claim.
    for (const [m, id, at] of [
      [a, "agent-a", 1000],
      [b, "agent-b", 1100],
    ] as const) {
      await heartbeat(t.db, id, REGION, base + at);
      expect(await m.tick(base + at)).toMatchObject({ claimed: [], released: [], lost: [] });
    }
  });

  it("an agent giving a lease back stops checking it before another agent can claim it", async () => {
    const ids = await createMonitors(t.db, 6);
    const base = Date.now();
    // A's database calls are watched: right after its give-back statement has committed (and
    // before its tick returns), B ticks and claims what A gave back. From then on B may check
    // those monitors, so A must not.
    const observed: Array<{ id: number; aMayCheck: boolean }> = [];
    let b!: LeaseManager;
    let watching = false;
    // Leases are renewed straight through the pg pool (store/pg-direct.ts): A gets a watched pool.
    const pool = pgPoolOf(t.db)!;
    const watchedPool = new Proxy(pool, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === "query") {
          return async (config: { text: string }, ...rest: unknown[]) => {
            const out = await (value as (...a: unknown[]) => Promise<unknown>).call(target, config, ...rest);
            if (watching && /SET "agentId" = NULL/.test(config.text)) {
              watching = false;
              await heartbeat(t.db, "agent-b", REGION, base + 600);
              const bt = await b.tick(base + 600);
              for (const id of bt.claimed) observed.push({ id, aMayCheck: a.mayCheck(id, base + 600) });
            }
            return out;
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const watched = Object.create(t.db) as Db;
    registerPgPool(watched, watchedPool);
    const a = new LeaseManager(watched, "agent-a", REGION, TIMING);
    b = new LeaseManager(t.db, "agent-b", REGION, TIMING);
    await heartbeat(t.db, "agent-a", REGION, base);
    await a.setMonitors(ids);
    await a.tick(base);
    await heartbeat(t.db, "agent-b", REGION, base + 100);
    await b.setMonitors(ids);
    await b.tick(base + 100);

    watching = true;
    await heartbeat(t.db, "agent-a", REGION, base + 500);
    const a2 = await a.tick(base + 500);
    expect(a2.released.length).toBe(3);
    expect(sorted(observed.map((o) => o.id))).toEqual(sorted(a2.released));
    expect(
      observed.filter((o) => o.aMayCheck),
      "monitors both agents may check at once",
    ).toEqual([]);
  });

  it("agents ticking concurrently never hold the same monitor", async () => {
    const N = 30;
    const ids = await createMonitors(t.db, N);
    // Each agent on its own client (own connections), as separate processes would be.
    const clientFor = async () => {
      const { db } = await openDatabase(t.url, { poolSize: 3 });
      extraClients.push(db);
      return db;
    };
    const names = ["agent-a", "agent-b", "agent-c", "agent-d"];
    const managers = new Map<string, LeaseManager>();
    for (const name of names) {
      const m = new LeaseManager(await clientFor(), name, REGION, TIMING);
      await m.setMonitors(ids);
      managers.set(name, m);
    }
    // Who runs in each round, on a clock that advances 400 ms per round: A, B and C start at once;
    // C dies at round 6 (no heartbeat, no tick); D joins at round 14.
    const liveIn = (round: number) => names.filter((n) => (n === "agent-c" ? round < 6 : n === "agent-d" ? round >= 14 : true));
    const base = Date.now();
    const lastTick = new Map<string, number>();
    let overlapChecks = 0;
    for (let round = 0; round < 24; round++) {
      const at = base + round * 400;
      const live = liveIn(round);
      // Heartbeat then tick, like the agent; started in a shuffled order with jitter so the
      // claim statements really run side by side on different connections.
      const order = [...live].sort(() => Math.random() - 0.5);
      const ticks = await Promise.all(
        order.map(async (name, i) => {
          const now = at + i * 3;
          await new Promise((r) => setTimeout(r, Math.random() * 4));
          await heartbeat(t.db, name, REGION, now);
          const tick = await managers.get(name)!.tick(now);
          lastTick.set(name, now);
          return [name, tick] as const;
        }),
      );
      const checkAt = at + order.length * 3;
      // No two managers hold one monitor, and none may check one another holds.
      const seen = new Map<number, string>();
      for (const [name, tick] of ticks) {
        expect(tick.held.size, `${name} at round ${round} above its share`).toBeLessThanOrEqual(tick.share);
        for (const id of tick.held) {
          expect(seen.get(id), `monitor ${id} held by ${seen.get(id)} and ${name} at round ${round}`).toBeUndefined();
          seen.set(id, name);
        }
      }
      for (const id of ids) {
        const may = names.filter((n) => managers.get(n)!.mayCheck(id, checkAt));
        expect(may.length, `monitor ${id} checkable by ${may.join(", ")} at round ${round}`).toBeLessThanOrEqual(1);
        overlapChecks += 1;
      }
      // The database agrees with the managers about who holds what.
      const rows = holders(await leaseRows(t.db, REGION), checkAt);
      for (const [name, tick] of ticks) expect(sorted(rows.get(name) ?? []), `${name} at round ${round}`).toEqual(sorted(tick.held));
    }
    expect(overlapChecks).toBe(24 * N);

    // Settled: every monitor held by one of the live agents, each within its fair share.
    const end = base + 23 * 400 + 20;
    const final = holders(await leaseRows(t.db, REGION), end);
    expect(final.has("agent-c")).toBe(false);
    expect(sorted([...final.values()].flat())).toEqual(ids);
    for (const name of ["agent-a", "agent-b", "agent-d"]) {
      expect(final.get(name)?.length ?? 0, name).toBeGreaterThan(0);
      expect(final.get(name)!.length, name).toBeLessThanOrEqual(N / 3);
    }
  });

  it("an agent that stops renewing loses its monitors after the ttl, and another claims them", async () => {
    const ids = await createMonitors(t.db, 6);
    const base = Date.now();
    const a = new LeaseManager(t.db, "agent-a", REGION, TIMING);
    const b = new LeaseManager(t.db, "agent-b", REGION, TIMING);
    await a.setMonitors(ids);
    await heartbeat(t.db, "agent-a", REGION, base);
    await heartbeat(t.db, "agent-b", REGION, base);
    await a.tick(base);
    await b.tick(base + 10);
    const aHeld = sorted(a.heldIds());
    const bHeld = sorted(b.heldIds());
    expect([aHeld.length, bHeld.length]).toEqual([3, 3]);

    // A stops (last heartbeat and renewal at `base`). Within the ttl its leases stand.
    await heartbeat(t.db, "agent-b", REGION, base + 1000);
    expect(await b.tick(base + 1000)).toMatchObject({ claimed: [], liveAgents: 2, share: 3 });
    await heartbeat(t.db, "agent-b", REGION, base + 1900);
    expect(await b.tick(base + 1900)).toMatchObject({ claimed: [], liveAgents: 2 });
    // A itself stops checking a renewal period before its rows expire.
    for (const id of aHeld) {
      expect(a.mayCheck(id, base + 1400)).toBe(true);
      expect(a.mayCheck(id, base + 1500)).toBe(false);
    }

    // Past the ttl: A no longer counts as live, its rows are expired, B takes them.
    await heartbeat(t.db, "agent-b", REGION, base + 2100);
    const taken = await b.tick(base + 2100);
    expect(taken).toMatchObject({ liveAgents: 1, share: 6 });
    expect(sorted(taken.claimed)).toEqual(aHeld);
    expect(sorted(b.heldIds())).toEqual(ids);
    expect(holders(await leaseRows(t.db, REGION), base + 2100)).toEqual(new Map([["agent-b", ids]]));

    // A comes back: its renewal finds nothing of its own, it learns it lost them, and waits for B to give some back.
    await heartbeat(t.db, "agent-a", REGION, base + 2200);
    const back = await a.tick(base + 2200);
    expect(sorted(back.lost)).toEqual(aHeld);
    expect(back.held.size).toBe(0);
    expect(back.claimed).toEqual([]);
    for (const id of ids) expect(a.mayCheck(id, base + 2200)).toBe(false);
    await heartbeat(t.db, "agent-b", REGION, base + 2600);
    expect((await b.tick(base + 2600)).released.length).toBe(3);
    await heartbeat(t.db, "agent-a", REGION, base + 2700);
    expect((await a.tick(base + 2700)).claimed.length).toBe(3);
  });

  it("releaseAll gives every lease back at once, and the others take them without waiting for the ttl", async () => {
    const ids = await createMonitors(t.db, 6);
    const base = Date.now();
    const a = new LeaseManager(t.db, "agent-a", REGION, TIMING);
    const b = new LeaseManager(t.db, "agent-b", REGION, TIMING);
    await a.setMonitors(ids);
    await heartbeat(t.db, "agent-a", REGION, base);
    await heartbeat(t.db, "agent-b", REGION, base);
    await a.tick(base);
    await b.tick(base + 10);
    const aHeld = sorted(a.heldIds());
    expect(aHeld.length).toBe(3);

    await a.releaseAll();
    expect(a.heldCount).toBe(0);
    for (const id of aHeld) expect(a.mayCheck(id, base + 20)).toBe(false);
    const rows = await leaseRows(t.db, REGION);
    for (const r of rows.filter((r) => aHeld.includes(r.monitorId))) {
      expect(r.agentId).toBeNull();
      expect(r.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
    }
    // B's rows are untouched.
    expect(sorted(holders(rows, base + 20).get("agent-b")!)).toEqual(sorted(b.heldIds()));

    // A stopping also removes its heartbeat row (StatusAgent.stop); B's next tick takes everything.
    await t.db.agent.delete({ where: { id: "agent-a" } });
    const now = Date.now();
    await heartbeat(t.db, "agent-b", REGION, now);
    const taken = await b.tick(now);
    expect(taken).toMatchObject({ liveAgents: 1, share: 6 });
    expect(sorted(taken.claimed)).toEqual(aHeld);
    expect(holders(await leaseRows(t.db, REGION), now)).toEqual(new Map([["agent-b", ids]]));
  });

  it("an agent stopping gracefully hands its monitors over at the others' next renewal, not after the ttl", async () => {
    // Two real StatusAgents in one region, with a long ttl and a short renewal period: the
    // others may take a stopping agent's monitors as soon as it gave them back, which needs it to
    // stop counting as live, or its share stays reserved until its heartbeat is a ttl old.
    const leases: LeaseTiming = { ttlMs: 10_000, renewEveryMs: 300 };
    const config = writeConfig(
      t.dir,
      Array.from({ length: 6 }, (_, i) => ({
        slug: `svc-${i}`,
        name: `Svc ${i}`,
        kind: "tcp",
        host: "127.0.0.1",
        port: 9,
        interval: "1h",
      })),
    );
    const log: string[] = [];
    const agentOn = async (name: string) => {
      const { db } = await openDatabase(t.url, { poolSize: 4 });
      extraClients.push(db);
      return new StatusAgent({
        db,
        configFile: config,
        region: REGION,
        housekeeping: false,
        notifications: false,
        leases,
        log: (l) => log.push(`${name} ${l}`),
      });
    };
    const a = await agentOn("a");
    const b = await agentOn("b");
    await a.start();
    await b.start();
    const balanced = Date.now() + 10_000;
    for (;;) {
      const held = holders(await leaseRows(t.db, REGION));
      if (held.size === 2 && [...held.values()].every((ids) => ids.length === 3)) break;
      if (Date.now() > balanced) throw new Error(`not balanced: ${JSON.stringify(Object.fromEntries(held))}\n${log.join("\n")}`);
      await sleep(50);
    }

    // Keep B's stop busy after it gave its leases back: its last incident automation pass waits
    // for a lock the test holds (another agent's pass would hold it the same way).
    const locker = new pg.Client({ connectionString: t.url });
    await locker.connect();
    let stopping: Promise<void> | null = null;
    try {
      await locker.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCKS.incidentAutomation]);
      const monitor = await t.db.monitor.findFirstOrThrow();
      await t.db.stateChange.create({
        data: { monitorId: monitor.id, region: "quorum", fromStatus: "up", toStatus: "down", at: new Date(), confirmedAt: new Date() },
      });
      const stoppedAt = Date.now();
      stopping = b.stop();
      let tookOver = -1;
      while (Date.now() - stoppedAt < 5_000) {
        const held = holders(await leaseRows(t.db, REGION));
        if (held.size === 1 && held.get(a.id)?.length === 6) {
          tookOver = Date.now() - stoppedAt;
          break;
        }
        await sleep(50);
      }
      expect(tookOver, `A did not take B's monitors within 5 s (ttl ${leases.ttlMs} ms)\n${log.join("\n")}`).toBeGreaterThanOrEqual(0);
    } finally {
      await locker.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCKS.incidentAutomation]).catch(() => {});
      await locker.end();
      await stopping;
      await a.stop();
    }
    expect(await t.db.agent.count()).toBe(0);
    // B's last pass did run once the lock was free.
    expect(await t.db.stateChange.count({ where: { handledAt: null } })).toBe(0);
  });
  it("a joining agent's share is handed over in one interval, each monitor right after its check: no slot missed or doubled", async () => {
    // 24 monitors every 60 s with phases 2.5 s apart, the highest ids first (a give-back by id alone
    // would free monitors due before B's next renewal); production lease timing (renewal every 5 s).
    const timing: LeaseTiming = { ttlMs: 15_000, renewEveryMs: 5_000 };
    const interval = 60_000;
    const ids = await createMonitors(t.db, 24);
    const slotTimings = new Map(ids.map((id, i) => [id, { intervalMs: interval, phaseMs: (ids.length - 1 - i) * 2_500 }]));
    const base = Math.ceil(Date.now() / interval) * interval;
    const agents = {
      "agent-a": new LeaseManager(t.db, "agent-a", REGION, timing),
      "agent-b": new LeaseManager(t.db, "agent-b", REGION, timing),
    };
    for (const m of Object.values(agents)) {
      await m.setMonitors(ids);
      m.setSlotTimings(slotTimings);
    }
    // A runs alone from 10 s before `base`; B starts at `base`, its renewals 2.5 s out of step with A's.
    type Event = { at: number; kind: "tick"; agent: keyof typeof agents } | { at: number; kind: "slot"; id: number };
    const events: Event[] = [];
    const end = base + 2 * interval + 10_000;
    for (let at = base - 10_000; at < end; at += timing.renewEveryMs) events.push({ at, kind: "tick", agent: "agent-a" });
    for (let at = base + 2_500; at < end; at += timing.renewEveryMs) events.push({ at, kind: "tick", agent: "agent-b" });
    for (const [id, { phaseMs }] of slotTimings)
      for (let at = base - interval + phaseMs; at < end; at += interval) if (at > base - 10_000) events.push({ at, kind: "slot", id });
    // At the same instant a slot is started with what the agents knew just before.
    events.sort((x, y) => x.at - y.at || (x.kind === "slot" ? -1 : 1));

    const problems: string[] = [];
    const givenBack: number[] = [];
    for (const e of events) {
      if (e.kind === "tick") {
        await heartbeat(t.db, e.agent, REGION, e.at);
        const tick = await agents[e.agent].tick(e.at);
        if (e.agent === "agent-a" && e.at > base) givenBack.push(tick.released.length);
        // Each given-back monitor has its next slot at least a renewal period and more away.
        for (const id of tick.released) {
          const { phaseMs } = slotTimings.get(id)!;
          const next = Math.ceil((e.at - phaseMs) / interval) * interval + phaseMs;
          expect(next - e.at).toBeGreaterThan(interval - timing.renewEveryMs - 1_000 - 1);
        }
      } else {
        const checking = Object.entries(agents).filter(([, m]) => m.mayCheck(e.id, e.at));
        if (checking.length !== 1) problems.push(`monitor ${e.id} slot +${e.at - base} ms: ${checking.length} agents may check`);
      }
    }
    expect(problems).toEqual([]);
    // Spread over the interval: two phases fall in each renewal period, so at most two go per tick.
    expect(Math.max(...givenBack)).toBeLessThanOrEqual(2);
    expect(givenBack.reduce((a, b) => a + b, 0)).toBe(12);
    expect(agents["agent-a"].heldCount).toBe(12);
    expect(agents["agent-b"].heldCount).toBe(12);
  });
});
