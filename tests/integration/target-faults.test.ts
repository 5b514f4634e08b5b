// Every target fault of the "Reliability and security" issue, on loopback, against the real agent
// process (its memory is measured on its own) and one temp database. Healthy canary monitors run
// next to the faults, and must keep their schedule: no missing slot, no down canary, and lateness
// p99 far below one interval (see SCHEDULE_KEPT_P99_MS).
import { quantile } from "@/bench/util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startAgent, writeConfig, type AgentProcess } from "../helpers/agent-process";
import { expiredCert, validCert } from "../helpers/certs";
import { startDnsServer } from "../helpers/dns-server";
import {
  gzipOfZeros,
  rssOf,
  schedOf,
  startBlackHole,
  startFaultHttp,
  startRawServer,
  streamRepeated,
  trickle,
  type FaultServer,
} from "../helpers/fault-servers";

const MiB = 1024 * 1024;
const TWO_GB = 2 * 1024 * MiB;
const CANARY = { interval: "1s", timeout: "500ms" };
// What these tests guard against is a fault stealing the schedule: hung checks holding the
// concurrency cap made canaries 5–24 s late. The core issue's 50 ms p99 target is a benchmark figure
// (`npm run bench -- lateness`): on a shared CI machine this process waits tens of ms for a CPU
// (a CI run measured p99 60 ms with 0.4–1.2 s of CPU wait), which says nothing about the agent.
const SCHEDULE_KEPT_P99_MS = 250;

let t: TempDb;
const servers: FaultServer[] = [];
const agents: AgentProcess[] = [];
let dns: Awaited<ReturnType<typeof startDnsServer>> | undefined;

beforeAll(async () => {
  t = await createTempDb();
});

afterAll(async () => {
  for (const a of agents) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill("SIGKILL");
  await Promise.all(agents.map((a) => a.exited));
  await Promise.all(servers.map((s) => s.close()));
  dns?.close();
  await t?.cleanup();
});

async function serve(s: Promise<FaultServer>): Promise<FaultServer> {
  const server = await s;
  servers.push(server);
  return server;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Run {
  startedAt: number;
  stoppedAt: number;
  /** Agent RSS every 250 ms from "started" to the stop signal. */
  rss: Array<{ at: number; bytes: number }>;
  /** The agent's main thread over the run: CPU used, and time it was ready to run but waited for a CPU. */
  cpu: { cpuMs: number; waitMs: number; wallMs: number };
  output: string;
  exitCode: number | null;
}

/**
 * Runs the agent until `scenario` returns, sampling its RSS, then stops it with SIGTERM (SIGKILL
 * after 15 s, so a stuck stop fails the test instead of hanging it).
 */
async function runAgent(
  configFile: string,
  extraEnv: Record<string, string>,
  scenario: (agent: AgentProcess) => Promise<void>,
): Promise<Run> {
  const agent = startAgent(t.url, configFile, extraEnv);
  agents.push(agent);
  await agent.waitFor(/started in region/, 60_000);
  const startedAt = Date.now();
  const pid = agent.child.pid!;
  const rss: Run["rss"] = [];
  const sample = () => {
    const bytes = rssOf(pid);
    if (bytes !== undefined) rss.push({ at: Date.now(), bytes });
  };
  sample();
  const sched0 = schedOf(pid);
  const sampler = setInterval(sample, 250);
  try {
    await scenario(agent);
  } finally {
    clearInterval(sampler);
  }
  sample();
  const sched1 = schedOf(pid);
  const stoppedAt = Date.now();
  const cpu = {
    cpuMs: (sched1?.cpuMs ?? NaN) - (sched0?.cpuMs ?? NaN),
    waitMs: (sched1?.waitMs ?? NaN) - (sched0?.waitMs ?? NaN),
    wallMs: stoppedAt - startedAt,
  };
  agent.child.kill("SIGTERM");
  const killer = setTimeout(() => agent.child.kill("SIGKILL"), 15_000);
  const exitCode = await agent.exited;
  clearTimeout(killer);
  return { startedAt, stoppedAt, rss, cpu, output: agent.output(), exitCode };
}

/** Results per slug, in slot order (one query over all results: a thousand slugs exceed SQLite's parameter limit). */
async function rowsBySlug(slugs: string[]) {
  const rows = await t.db.checkResult.findMany({ include: { monitor: { select: { slug: true } } }, orderBy: { slot: "asc" } });
  const out = new Map<string, typeof rows>(slugs.map((s) => [s, []]));
  for (const r of rows) out.get(r.monitor.slug)?.push(r);
  return out;
}

const cpuLine = (run: Run) =>
  `agent main thread over ${run.cpu.wallMs} ms: on CPU ${run.cpu.cpuMs.toFixed(0)} ms, runnable but waiting for a CPU ${run.cpu.waitMs.toFixed(0)} ms; exit ${run.exitCode ?? "killed"}`;

/** Canary schedule: slots missing between each canary's first and last, trailing ones, and lateness. */
async function canaryReport(slugs: string[], intervalMs: number, run: Run) {
  const rows = await rowsBySlug(slugs);
  const missing: string[] = [];
  const lateness: number[] = [];
  const counts: Record<string, number> = {};
  for (const [slug, list] of rows) {
    counts[slug] = list.length;
    for (let i = 1; i < list.length; i++) {
      const gap = list[i].slot.getTime() - list[i - 1].slot.getTime();
      if (gap !== intervalMs) missing.push(`${slug}: ${gap / intervalMs - 1} slot(s) missing after ${list[i - 1].slot.toISOString()}`);
    }
    // No trailing or leading hole either: the first slot is in the first interval after start, the last in the last one.
    const first = list[0]?.slot.getTime() ?? Infinity;
    const last = list.at(-1)?.slot.getTime() ?? -Infinity;
    if (first > run.startedAt + intervalMs) missing.push(`${slug}: first slot ${first - run.startedAt} ms after start`);
    if (last < run.stoppedAt - 2 * intervalMs) missing.push(`${slug}: last slot ${run.stoppedAt - last} ms before stop`);
    for (const r of list) {
      lateness.push(r.latenessMs);
      if (r.status !== "up") missing.push(`${slug}: ${r.status} at ${r.slot.toISOString()} (${r.error})`);
    }
  }
  // The three checks that started latest, with their slot (ms after start): a slow start or a stall mid-run.
  const worst = [...rows.entries()]
    .flatMap(([slug, list]) => list.map((r) => ({ slug, at: r.slot.getTime() - run.startedAt, late: r.latenessMs })))
    .sort((a, b) => b.late - a.late)
    .slice(0, 3)
    .map((w) => `${w.slug} at ${w.at >= 0 ? "+" : ""}${w.at} ms: ${w.late.toFixed(1)} ms late`);
  const summary = `canaries: ${JSON.stringify(counts)}; lateness p50 ${quantile(lateness, 0.5).toFixed(1)} ms, p99 ${quantile(lateness, 0.99).toFixed(1)} ms over ${lateness.length} checks; latest: ${worst.join(", ")}`;
  return { missing, p99: quantile(lateness, 0.99), summary };
}

describe("target faults on loopback, with the real agent process", () => {
  it("each fault is down with its reason named (or bounded), memory stays bounded, canaries keep their schedule", async () => {
    // --- targets -------------------------------------------------------------------------------
    const bigBodySent: number[] = [];
    const bombSent: number[] = [];
    // 200 MiB of zeros gzip to ~200 KB; ten gzip members back to back inflate to 2 GiB.
    const bombMember = await gzipOfZeros(200 * MiB);
    expect(bombMember.length).toBeLessThan(MiB);
    const BOMB_COPIES = 10;
    const zeros = Buffer.alloc(64 * 1024);

    const http = await serve(
      startFaultHttp((req, res) => {
        switch (req.url) {
          case "/ok":
            return res.end("ok");
          case "/hang":
            return; // accepts, reads the request, never answers
          case "/two-gb":
            res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(TWO_GB) });
            return streamRepeated(res, zeros, TWO_GB, (n) => bigBodySent.push(n));
          case "/gzip-bomb":
            res.writeHead(200, {
              "content-type": "text/plain",
              "content-encoding": "gzip",
              "content-length": String(bombMember.length * BOMB_COPIES),
            });
            return streamRepeated(res, bombMember, bombMember.length * BOMB_COPIES, (n) => bombSent.push(n));
          case "/loop":
            res.writeHead(302, { location: "/loop" });
            return res.end();
          case "/bad-utf8":
            res.writeHead(200, { "content-type": "application/json" });
            return res.end(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])); // {"a":"\xff\xfe"}
          case "/bad-json":
            res.writeHead(200, { "content-type": "application/json" });
            return res.end('{"status": "up",');
          default:
            res.writeHead(404);
            res.end();
        }
      }),
    );
    // Headers at once, then the body one byte a second: each byte resets an idle timer, only a total deadline ends it.
    const trickler = await serve(
      startRawServer((s) => {
        s.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n");
        trickle(s, () => "a", 1000);
      }),
    );
    // Slowloris headers: a status line, then one header line a second, never the blank line that ends them.
    const slowloris = await serve(
      startRawServer((s) => {
        s.write("HTTP/1.1 200 OK\r\n");
        let n = 0;
        trickle(s, () => `X-Slow-${++n}: ${n}\r\n`, 1000);
      }),
    );
    // Half a header block, then a TCP RST.
    const resetter = await serve(
      startRawServer((s) => {
        s.write("HTTP/1.1 200 OK\r\nContent-Type: text/pl");
        setTimeout(() => s.resetAndDestroy(), 20);
      }),
    );
    const expired = expiredCert();
    const selfSigned = validCert(30);
    const otherHost = validCert(30, "subjectAltName=DNS:other.test");
    const tlsExpired = await serve(startFaultHttp((_q, res) => res.end("ok"), expired));
    const tlsSelfSigned = await serve(startFaultHttp((_q, res) => res.end("ok"), selfSigned));
    const tlsOtherHost = await serve(startFaultHttp((_q, res) => res.end("ok"), otherHost));
    // The agent trusts the expired and the other-host certificates (so their own fault is what fails),
    // not the plain self-signed one.
    const caFile = join(t.dir, "extra-ca.pem");
    writeFileSync(caFile, expired.cert + otherHost.cert);
    dns = await startDnsServer({ a: { "ok.test": ["10.0.0.1"] }, servfail: ["broken.test"] });

    const base = `http://127.0.0.1:${http.port}`;
    const fault = { interval: "3s", timeout: "2s" };
    // errorClass null: no error; the row must carry the given details instead.
    const faults: Array<{
      slug: string;
      monitor: Record<string, unknown>;
      status: string;
      errorClass: string | null;
      error: RegExp | null;
      details?: Record<string, unknown>;
    }> = [
      {
        slug: "f-hang",
        monitor: { kind: "http", url: `${base}/hang`, ...fault },
        status: "down",
        errorClass: "timeout",
        error: /^timeout$/,
      },
      {
        slug: "f-trickle",
        monitor: { kind: "http", url: `http://127.0.0.1:${trickler.port}/`, ...fault },
        status: "down",
        errorClass: "timeout",
        error: /^timeout$/,
      },
      {
        slug: "f-two-gb",
        monitor: { kind: "http", url: `${base}/two-gb`, max_body_bytes: MiB, ...fault },
        status: "up",
        errorClass: null,
        error: null,
        details: { httpStatus: 200, bodyTruncatedAt: MiB },
      },
      {
        slug: "f-reset",
        monitor: { kind: "http", url: `http://127.0.0.1:${resetter.port}/`, ...fault },
        status: "down",
        errorClass: "connect",
        error: /ECONNRESET|UND_ERR_SOCKET|other side closed/,
      },
      {
        slug: "f-redirect-loop",
        monitor: { kind: "http", url: `${base}/loop`, max_redirects: 5, ...fault },
        status: "down",
        errorClass: "protocol",
        error: /^too many redirects \(more than 5\)$/,
      },
      {
        slug: "f-tls-expired",
        monitor: { kind: "http", url: `https://127.0.0.1:${tlsExpired.port}/`, ...fault },
        status: "down",
        errorClass: "tls",
        error: /^TLS CERT_HAS_EXPIRED/,
      },
      {
        slug: "f-tls-self-signed",
        monitor: { kind: "http", url: `https://127.0.0.1:${tlsSelfSigned.port}/`, ...fault },
        status: "down",
        errorClass: "tls",
        error: /^TLS DEPTH_ZERO_SELF_SIGNED_CERT/,
      },
      {
        slug: "f-tls-wrong-host",
        monitor: { kind: "http", url: `https://localhost:${tlsOtherHost.port}/`, ...fault },
        status: "down",
        errorClass: "tls",
        error: /^TLS ERR_TLS_CERT_ALTNAME_INVALID.*localhost/,
      },
      {
        slug: "f-dns-nxdomain",
        monitor: { kind: "dns", query: "nope.test", resolver: dns.address, ...fault },
        status: "down",
        errorClass: "dns",
        error: /^DNS NXDOMAIN \(name not found\)$/,
      },
      {
        slug: "f-dns-servfail",
        monitor: { kind: "dns", query: "broken.test", resolver: dns.address, ...fault },
        status: "down",
        errorClass: "dns",
        error: /^DNS SERVFAIL from the resolver$/,
      },
      {
        slug: "f-slowloris",
        monitor: { kind: "http", url: `http://127.0.0.1:${slowloris.port}/`, ...fault },
        status: "down",
        errorClass: "timeout",
        error: /^timeout$/,
      },
      // The probe asks for no encoding and does not inflate: the raw bytes count against max_body_bytes (64 KiB).
      {
        slug: "f-gzip-bomb",
        monitor: { kind: "http", url: `${base}/gzip-bomb`, ...fault },
        status: "up",
        errorClass: null,
        error: null,
        details: { httpStatus: 200, bodyTruncatedAt: 64 * 1024 },
      },
      {
        slug: "f-bad-utf8-contains",
        monitor: { kind: "http", url: `${base}/bad-utf8`, expect: { body_contains: "a" }, ...fault },
        status: "down",
        errorClass: "assertion",
        error: /^body is not valid UTF-8$/,
      },
      {
        slug: "f-bad-utf8-json",
        monitor: { kind: "http", url: `${base}/bad-utf8`, expect: { json: [{ path: "$.a", exists: true }] }, ...fault },
        status: "down",
        errorClass: "assertion",
        error: /^body is not valid UTF-8$/,
      },
      {
        slug: "f-bad-json",
        monitor: { kind: "http", url: `${base}/bad-json`, expect: { json: [{ path: "$.status", equals: "up" }] }, ...fault },
        status: "down",
        errorClass: "assertion",
        error: /^body is not valid JSON: /,
      },
    ];
    // Seven canaries at 1 s give over a hundred checks, so p99 is a percentile and not just the maximum.
    const canaries = Array.from({ length: 7 }, (_, i) => `canary-${i}`);
    const heavy = new Set(["f-two-gb", "f-gzip-bomb"]);
    const monitors = (withHeavy: boolean) => [
      ...faults.filter((f) => withHeavy || !heavy.has(f.slug)).map((f) => ({ slug: f.slug, name: f.slug, ...f.monitor })),
      ...canaries.map((slug) => ({ slug, name: slug, kind: "http", url: `${base}/ok`, ...CANARY })),
    ];

    // --- run ----------------------------------------------------------------------------------
    // The agent's RSS grows by 20-45 MB in its first seconds whatever it checks (code loading, V8 and
    // malloc warming up). So it starts with every fault but the two big bodies, and the 2 GB body and
    // the gzip bomb are added by a reload once it is warm: their cost is the growth past that baseline.
    const config = writeConfig(t.dir, monitors(false), "faults.yaml");
    let reloadedAt = 0;
    const run = await runAgent(config, { NODE_EXTRA_CA_CERTS: caFile }, async (agent) => {
      await sleep(5000);
      reloadedAt = Date.now();
      writeConfig(t.dir, monitors(true), "faults.yaml");
      agent.child.kill("SIGHUP");
      await agent.waitFor(/reloaded: 2 new/, 10_000);
      await sleep(13_000);
    });
    const baseline = Math.max(...run.rss.filter((r) => r.at <= reloadedAt && r.at > reloadedAt - 1500).map((r) => r.bytes));

    // --- what was seen -------------------------------------------------------------------------
    const rows = await rowsBySlug(faults.map((f) => f.slug));
    const seen: Record<string, string> = {};
    for (const f of faults) {
      const list = rows.get(f.slug)!;
      const kinds = new Set(list.map((r) => `${r.status} ${r.errorClass ?? "-"} ${r.error ?? JSON.stringify(r.details)}`));
      seen[f.slug] = `${list.length} checks: ${[...kinds].join(" | ")}; longest ${Math.max(...list.map((r) => r.totalMs ?? NaN))} ms`;
    }
    const after = run.rss.filter((r) => r.at > reloadedAt).map((r) => r.bytes);
    const peak = Math.max(...after);
    const c = await canaryReport(canaries, 1000, run);
    console.log(
      [
        "fault results:",
        ...Object.entries(seen).map(([k, v]) => `  ${k}: ${v}`),
        `2 GB body: at most ${(Math.max(...bigBodySent) / MiB).toFixed(1)} MiB sent per check (${bigBodySent.length} checks); gzip bomb: at most ${(Math.max(...bombSent) / MiB).toFixed(1)} MiB of ${((bombMember.length * BOMB_COPIES) / MiB).toFixed(1)} MiB sent`,
        `agent RSS: ${(run.rss[0].bytes / MiB).toFixed(1)} MiB at start, ${(baseline / MiB).toFixed(1)} MiB warm before the big bodies, peak ${(peak / MiB).toFixed(1)} MiB with them: +${((peak - baseline) / MiB).toFixed(1)} MiB`,
        c.summary,
        cpuLine(run),
      ].join("\n"),
    );

    // --- canaries kept their schedule ----------------------------------------------------------
    expect(c.missing).toEqual([]);
    expect(c.p99, `${c.summary}; ${cpuLine(run)}`).toBeLessThan(SCHEDULE_KEPT_P99_MS);

    // --- every fault: its status and reason on every check, each check bounded in time ----------
    for (const f of faults) {
      const list = rows.get(f.slug)!;
      expect(list.length, `${f.slug}: checks at a 3 s interval`).toBeGreaterThanOrEqual(heavy.has(f.slug) ? 3 : 5);
      for (const r of list) {
        expect(r.status, `${f.slug}: ${seen[f.slug]}`).toBe(f.status);
        expect(r.errorClass, `${f.slug}: ${seen[f.slug]}`).toBe(f.errorClass);
        if (f.error) expect(r.error, f.slug).toMatch(f.error);
        else expect(r.error, f.slug).toBeNull();
        if (f.details) expect(r.details, f.slug).toMatchObject(f.details);
        // The 2 s timeout plus the runner's 1 s grace at the very most.
        expect(r.totalMs!, `${f.slug} totalMs`).toBeLessThan(3000);
      }
    }
    // The hung ones end at their timeout, not at the runner's grace.
    for (const slug of ["f-hang", "f-trickle", "f-slowloris"]) for (const r of rows.get(slug)!) expect(r.totalMs!, slug).toBeLessThan(2300);

    // --- big bodies: the probe hung up early, and the agent's memory did not follow the body -----
    expect(Math.max(...bigBodySent), "bytes of the 2 GB body sent before the probe hung up").toBeLessThan(64 * MiB);
    expect(bombSent.length).toBeGreaterThanOrEqual(3);
    expect(peak - baseline, "agent RSS growth with the 2 GB body and the gzip bomb").toBeLessThan(50 * MiB);

    // --- no crash, a clean stop ----------------------------------------------------------------
    expect(run.output).not.toMatch(/Unhandled|uncaught|probe failed|MaxListeners/i);
    expect(run.exitCode, run.output.slice(-3000)).toBe(0);
  }, 75_000);

  it("1,000 monitors pointing at one black hole leave healthy monitors on time", async () => {
    const hole = await serve(startBlackHole());
    const ok = await serve(startFaultHttp((_q, res) => res.end("ok")));
    // 1,000 monitors every 10 s with a 3 s timeout: 100 check starts a second, each held for its full
    // 3 s by the black hole, so about 300 hung checks are in flight at any time, well over the default
    // concurrency cap of 64, while the start rate stays one a two-core machine sustains easily. 25 s
    // covers two full rounds of every hung monitor. Confirmation stays at its default (2 failures), so the
    // 1,000 outages are confirmed, and go through incident automation, during the run, as they would for real.
    const holes = Array.from({ length: 1000 }, (_, i) => ({
      slug: `hole-${i}`,
      name: `Hole ${i}`,
      kind: "http",
      url: `http://127.0.0.1:${hole.port}/`,
      interval: "10s",
      timeout: "3s",
    }));
    // Twenty canaries give about 500 checks, so p99 is the fifth latest and not one unlucky slot
    // (the confirmation of 1,000 outages writes for a few tens of milliseconds, and the canaries
    // whose slot falls right then start that much late).
    const canaries = Array.from({ length: 20 }, (_, i) => `bh-canary-${i}`);
    const config = writeConfig(
      t.dir,
      [...holes, ...canaries.map((slug) => ({ slug, name: slug, kind: "http", url: `http://127.0.0.1:${ok.port}/`, ...CANARY }))],
      "black-hole.yaml",
    );

    // Connections the black hole holds open, sampled: the hung checks in flight at once.
    let maxOpen = 0;
    const run = await runAgent(config, {}, async () => {
      const until = Date.now() + 25_000;
      while (Date.now() < until) {
        maxOpen = Math.max(maxOpen, hole.open());
        await sleep(250);
      }
    });

    const c = await canaryReport(canaries, 1000, run);
    const all = [...(await rowsBySlug(holes.map((h) => h.slug))).values()].flat();
    console.log(
      [
        `black hole: ${hole.connections()} connections accepted, up to ${maxOpen} open at once; ${all.length} results written (${all.filter((r) => r.errorClass === "timeout").length} timeouts); ${(run.output.match(/: unknown -> down since/g) ?? []).length} outages confirmed during the run`,
        c.summary,
        cpuLine(run),
        ...(c.missing.length ? ["canary problems:", ...c.missing.slice(0, 10).map((m) => `  ${m}`)] : []),
      ].join("\n"),
    );
    expect(c.missing).toEqual([]);
    expect(c.p99, `${c.summary}; ${cpuLine(run)}`).toBeLessThan(SCHEDULE_KEPT_P99_MS);
    // The hung checks really ran, in step with their own schedule, and ended as timeouts.
    expect(all.length, "black-hole results: about 2.5 per monitor in 25 s").toBeGreaterThan(2000);
    // More hung checks in flight than the concurrency cap (64): they no longer hold it while they wait.
    expect(maxOpen).toBeGreaterThan(64);
    expect(
      all
        .filter((r) => r.status !== "down" || r.errorClass !== "timeout" || r.error !== "timeout")
        .map((r) => `${r.status} ${r.errorClass} ${r.error}`),
    ).toEqual([]);
    expect(run.output).not.toMatch(/Unhandled|uncaught|probe failed|MaxListeners/i);
    expect(run.exitCode, run.output.slice(-3000)).toBe(0);
  }, 90_000);
});
