import { describe, expect, it } from "vitest";
import { HeartbeatJudge, type JudgedSlot, type Ping, type PingKind } from "@/monitors/heartbeat/heartbeat-judge";
import { EARLY_PING_TOLERANCE_MS, everySchedule, scheduleOf } from "@/monitors/heartbeat/heartbeat-schedule";
import { parseSignal } from "@/monitors/heartbeat/ping-intake";
import { parseConfig } from "@/monitors/config/load";
import { checkHeartbeatConfig } from "@/monitors/heartbeat/heartbeat-config";

const T0 = Date.parse("2026-12-07T00:00:00Z");
const S = 1000;
let nextId = 1;

function ping(atMs: number, kind: PingKind = "success", extra: Partial<Ping> = {}): Ping {
  return { id: nextId++, at: T0 + atMs, kind, exitCode: null, body: null, bodyTruncated: false, ...extra };
}

function every(ms: number, graceMs: number, maxRuntimeMs?: number) {
  return new HeartbeatJudge({ schedule: everySchedule(ms), graceMs, maxRuntimeMs, settleMs: 2 * S });
}

const brief = (s: JudgedSlot[]) => s.map((x) => `${(x.slot - T0) / S}s ${x.result.status}`);

describe("heartbeat judge (fake clock)", () => {
  it("judges nothing before the first ping: no data, never up", () => {
    const j = every(10 * S, 5 * S);
    expect(j.tick(T0 + 3_600 * S)).toEqual([]);
    expect(j.due).toBeNull();
  });

  it("pings on time are up slots at their time, and nothing else", () => {
    const j = every(10 * S, 5 * S);
    const out = [...j.ping(ping(0), T0), ...j.tick(T0 + 5 * S), ...j.ping(ping(10 * S), T0 + 10 * S)];
    out.push(...j.ping(ping(24 * S), T0 + 24 * S)); // 4 s late: inside the 5 s grace
    out.push(...j.tick(T0 + 30 * S));
    expect(brief(out)).toEqual(["0s up", "10s up", "24s up"]);
    expect(j.due).toBe(T0 + 34 * S);
  });

  it("a missing ping is down from its due time once due + grace + settling passed, and every due after it until a ping", () => {
    const j = every(10 * S, 5 * S);
    j.ping(ping(0), T0);
    // Due at 10 s, deadline 15 s, judged after the 2 s settling time, on the agent's clock.
    expect(j.tick(T0 + 16 * S)).toEqual([]);
    const missed = j.tick(T0 + 17.5 * S);
    expect(brief(missed)).toEqual(["10s down"]);
    expect(missed[0].result.error).toMatch(/no ping by .*due .*grace 5s/);
    expect(missed[0].latenessMs).toBe(2.5 * S);
    // Two more due times pass (20 s and 30 s); the job comes back at 41 s.
    expect(brief(j.tick(T0 + 38 * S))).toEqual(["20s down", "30s down"]);
    expect(brief(j.ping(ping(41 * S), T0 + 41 * S))).toEqual(["41s up"]);
    expect(j.due).toBe(T0 + 51 * S);
  });

  it("a ping stamped before its deadline but read after the due was judged missed still counts, as a later slot", () => {
    const j = every(10 * S, 5 * S);
    j.ping(ping(0), T0);
    expect(brief(j.tick(T0 + 18 * S))).toEqual(["10s down"]);
    // The web node's clock was 4 s behind: stamped 14 s, stored after the agent judged 10 s at 18 s.
    const late = j.ping(ping(14 * S), T0 + 18.2 * S);
    expect(brief(late)).toEqual(["14s up"]);
  });

  it("slots never go backwards: a ping stamped before the last judged slot is placed just after it", () => {
    const j = every(10 * S, 0);
    j.ping(ping(0), T0);
    expect(brief(j.tick(T0 + 13 * S))).toEqual(["10s down"]);
    const out = j.ping(ping(9 * S), T0 + 13 * S);
    expect(out[0].slot).toBe(T0 + 10 * S + 1);
  });

  it("/fail and a non-zero exit code are down at once; exit code 0 is a success", () => {
    const j = every(60 * S, 10 * S);
    j.ping(ping(0), T0);
    const failed = j.ping(ping(5 * S, "fail", { body: "disk full" }), T0 + 5 * S);
    expect(brief(failed)).toEqual(["5s down"]);
    expect(failed[0].result.error).toBe("the job reported a failure (/fail)");
    expect(failed[0].result.details).toMatchObject({ heartbeat: { ping: "fail", message: "disk full" } });
    const code = j.ping(ping(6 * S, "fail", { exitCode: 3 }), T0 + 6 * S);
    expect(code[0].result.status).toBe("down");
    expect(code[0].result.error).toBe("the job reported exit code 3");
    expect(parseSignal("0")).toEqual({ kind: "success", exitCode: 0 });
    expect(parseSignal("3")).toEqual({ kind: "fail", exitCode: 3 });
    expect(parseSignal("start")).toEqual({ kind: "start", exitCode: null });
    expect(parseSignal(undefined)).toEqual({ kind: "success", exitCode: null });
    for (const bad of ["256", "-1", "1.5", "abc", "0000", "FAIL"]) expect(parseSignal(bad)).toBeNull();
  });

  it("a run's duration from /start to success is the slot's total time; without a start nothing is timed", () => {
    const j = every(60 * S, 10 * S);
    const first = j.ping(ping(0), T0);
    expect(first[0].result.untimed).toBe(true);
    j.ping(ping(60 * S, "start"), T0 + 60 * S);
    const done = j.ping(ping(63.5 * S), T0 + 63.5 * S);
    expect(done[0].result.untimed).toBeUndefined();
    expect(done[0].result.phases.totalMs).toBe(3.5 * S);
  });

  it("a run not finished within max_runtime is one degraded slot at start + max_runtime", () => {
    const j = every(60 * S, 30 * S, 5 * S);
    j.ping(ping(0), T0);
    j.ping(ping(60 * S, "start"), T0 + 60 * S);
    expect(j.tick(T0 + 66 * S)).toEqual([]); // 65 s + 2 s settling not yet passed
    const over = j.tick(T0 + 67.5 * S);
    expect(brief(over)).toEqual(["65s degraded"]);
    expect(over[0].result.error).toMatch(/not finished within max_runtime \(5s\)/);
    expect(j.tick(T0 + 80 * S)).toEqual([]); // once per run
    const done = j.ping(ping(82 * S), T0 + 82 * S);
    expect(brief(done)).toEqual(["82s up"]);
    expect(done[0].result.phases.totalMs).toBe(22 * S);
  });

  it("replaying the same pings gives the same slots (what a restarted agent does)", () => {
    const pings = [ping(0), ping(10 * S, "start"), ping(12 * S), ping(50 * S, "fail", { exitCode: 1 }), ping(75 * S)];
    const live = every(10 * S, 3 * S, 1 * S);
    const liveOut: JudgedSlot[] = [];
    for (let t = 0; t <= 80; t++) {
      for (const p of pings.filter((x) => x.at === T0 + t * S)) liveOut.push(...live.ping(p, T0 + t * S));
      liveOut.push(...live.tick(T0 + t * S));
    }
    const replay = every(10 * S, 3 * S, 1 * S);
    const replayOut = pings.flatMap((p) => replay.ping(p, T0 + 80 * S));
    replayOut.push(...replay.tick(T0 + 80 * S));
    expect(brief(replayOut)).toEqual(brief(liveOut));
    expect(brief(liveOut)).toEqual([
      "0s up",
      "11s degraded",
      "12s up",
      "22s down",
      "32s down",
      "42s down",
      "50s down",
      "60s down",
      "70s down",
      "75s up",
    ]);
  });
});

describe("heartbeat schedules", () => {
  it("cron: the next due time after a ping is the next time of the rule, in its zone", () => {
    const s = scheduleOf({ cron: "0 3 * * *", tz: "Europe/Berlin" });
    const ping = Date.parse("2026-12-07T02:00:30Z"); // 03:00:30 in Berlin
    expect(new Date(s.dueAfterPing(ping)).toISOString()).toBe("2026-12-08T02:00:00.000Z");
    expect(new Date(s.dueAfterMissed(Date.parse("2026-12-08T02:00:00Z"))).toISOString()).toBe("2026-12-09T02:00:00.000Z");
  });

  it("cron: a ping a few seconds early by the web's clock counts for that time, not the one before", () => {
    const s = scheduleOf({ cron: "0 3 * * *", tz: "UTC" });
    const early = Date.parse("2026-12-07T03:00:00Z") - (EARLY_PING_TOLERANCE_MS - 1000);
    expect(new Date(s.dueAfterPing(early)).toISOString()).toBe("2026-12-08T03:00:00.000Z");
    const muchEarlier = Date.parse("2026-12-07T02:50:00Z");
    expect(new Date(s.dueAfterPing(muchEarlier)).toISOString()).toBe("2026-12-07T03:00:00.000Z");
  });

  it("cron: a missed daily run across the spring DST change is due at the first instant after the gap", () => {
    const s = scheduleOf({ cron: "30 2 * * *", tz: "Europe/Berlin" });
    // 2027-03-28 02:30 does not exist in Berlin: due at 03:00 local (01:00 UTC).
    expect(new Date(s.dueAfterMissed(Date.parse("2027-03-27T01:30:00Z"))).toISOString()).toBe("2027-03-28T01:00:00.000Z");
  });
});

describe("heartbeat config", () => {
  const parse = (monitor: string, env: Record<string, string> = {}) =>
    checkHeartbeatConfig(parseConfig(`monitors:\n  - ${monitor}\n`, "hb.yaml", env), { env });
  const errorOf = (monitor: string, env: Record<string, string> = {}) => {
    try {
      parse(monitor, env);
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };

  it("accepts every: and cron: with tz, and gives a cron monitor its shortest gap as interval", () => {
    const a = parse("{ slug: gc, name: GC, kind: heartbeat, every: 1h, grace: 5m, max_runtime: 20m }");
    expect(a.monitors[0]).toMatchObject({ intervalMs: 3_600_000, timeoutMs: 303_000, confirm: { down: 1, up: 1 } });
    const b = parse('{ slug: gc, name: GC, kind: heartbeat, cron: "0 3 * * *", tz: UTC }');
    expect(b.monitors[0].intervalMs).toBe(86_400_000);
    const c = parse('{ slug: gc, name: GC, kind: heartbeat, cron: "*/15 9-17 * * 1-5", tz: Europe/Berlin }');
    expect(c.monitors[0].intervalMs).toBe(900_000);
  });

  it("names the YAML path of each mistake", () => {
    expect(errorOf("{ slug: gc, name: GC, kind: heartbeat }")).toMatch(
      /monitors\[0\] \(gc\)\.every: a heartbeat monitor needs exactly one schedule/,
    );
    expect(errorOf('{ slug: gc, name: GC, kind: heartbeat, every: 1h, cron: "0 3 * * *" }')).toMatch(/exactly one schedule/);
    expect(errorOf("{ slug: gc, name: GC, kind: heartbeat, every: 1h, tz: UTC }")).toMatch(/\(gc\)\.tz: tz is only for cron:/);
    expect(errorOf("{ slug: gc, name: GC, kind: heartbeat, every: 1h, interval: 30s }")).toMatch(/\(gc\): unknown field "interval"/);
    expect(errorOf('{ slug: gc, name: GC, kind: heartbeat, cron: "0 25 * * *" }')).toMatch(/monitors\[0\] \(gc\)\.cron: .*hour/);
    expect(errorOf('{ slug: gc, name: GC, kind: heartbeat, cron: "0 3 * * *", tz: Mars/Olympus }')).toMatch(
      /\(gc\)\.tz: unknown time zone "Mars\/Olympus"/,
    );
    expect(errorOf("{ slug: gc, name: GC, kind: heartbeat, every: 1h, token: abcdefabcdefabcdef }")).toMatch(
      /\(gc\)\.token: token must be \{ env: NAME \}/,
    );
    expect(errorOf("{ slug: gc, name: GC, kind: heartbeat, every: 1h, grace: soon }")).toMatch(/\(gc\)\.grace: grace must be a duration/);
    expect(errorOf("{ slug: gc, name: GC, kind: heartbeat, every: 1h, token: { env: T } }", { T: "short" })).toMatch(
      /\(gc\)\.token: the variable T must hold at least 16/,
    );
    expect(errorOf("{ slug: gc, name: GC, kind: heartbeat, every: 1h, regions: [eu-west] }")).toMatch(
      /\(gc\)\.regions: a heartbeat monitor is judged from its pings, not probed from regions/,
    );
  });

  it("refuses two monitors with the same token, and waits for an unset token variable", () => {
    const env = { A: "a".repeat(20), B: "a".repeat(20) };
    const text = `monitors:
  - { slug: one, name: One, kind: heartbeat, every: 1h, token: { env: A } }
  - { slug: two, name: Two, kind: heartbeat, every: 1h, token: { env: B } }
`;
    expect(() => checkHeartbeatConfig(parseConfig(text, "hb.yaml", env), { env })).toThrow(
      /monitors\[1\] \(two\)\.token: the same token as monitors\[0\]/,
    );
    const waiting = parse("{ slug: gc, name: GC, kind: heartbeat, every: 1h, token: { env: GC_PING_TOKEN } }");
    expect(waiting.monitors[0].disabledReason).toBe("waiting for credentials: set GC_PING_TOKEN");
  });
});
