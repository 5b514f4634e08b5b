// Scenario 3: another process holding SQLite's write lock while the agent runs.
import { spawn } from "node:child_process";
import { expect } from "vitest";
import { createTempDb } from "../temp-db";
import { startHttp } from "../loopback";
import type { AgentProcess } from "../agent-process";
import { type Log, dbFile, defaultLog, percentile, sleep, startBundledAgent } from "./common";
import { integrityOk } from "./store-invariants";
import { writeChaosConfig } from "./agent-kill-loop";

export interface BusyLockOptions {
  monitors: number;
  lockMs: number;
  warmupMs?: number;
  /** Measurements taken when the machine itself misses 50 ms outside the lock window (default 2). */
  maxAttempts?: number;
  log?: Log;
}

export interface BusyLockReport {
  monitors: number;
  lockMs: number;
  slots: number;
  /** Slots without a result anywhere in the run (the scheduler skips a slot whose previous check is still running). */
  missingSlots: number;
  missingSlotsAt: string[];
  slotsInLock: number;
  latenessP50InLock: number;
  latenessP99InLock: number;
  latenessMaxInLock: number;
  latenessP99Outside: number;
  writeRetries: number;
  totalMs: number;
}

function runLockHolder(file: string, ms: number): Promise<{ lockedAt: number; releasedAt: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["tests/helpers/sqlite-write-lock.mjs", file, String(ms)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      const locked = /locked (\d+)/.exec(out);
      const released = /released (\d+)/.exec(out);
      if (code !== 0 || !locked || !released) reject(new Error(`lock holder failed (${code}):\n${out}`));
      else resolve({ lockedAt: Number(locked[1]), releasedAt: Number(released[1]), output: out });
    });
  });
}

/**
 * The agent with `monitors` monitors at 1 s while another process holds the write lock for
 * `lockMs`. Asserts that no result is lost and that latenessMs p99 of the slots inside the lock
 * window is under 50 ms. On a shared machine the same agent can miss 50 ms without any lock (other
 * processes take the CPU): when the slots just outside the window missed it too, the measurement
 * says nothing about the lock, so it is taken once more; if the machine stays that busy, the lock
 * may add at most 50 ms to the lateness measured outside it.
 */
export async function runBusyLockScenario(o: BusyLockOptions): Promise<BusyLockReport & { attempts: BusyLockReport[] }> {
  const log = o.log ?? defaultLog;
  const attempts: BusyLockReport[] = [];
  for (;;) {
    const r = await busyLockAttempt(o);
    attempts.push(r);
    const machineTooBusy = r.latenessP99InLock >= 50 && r.latenessP99Outside >= 50;
    if (!machineTooBusy || attempts.length >= (o.maxAttempts ?? 2)) break;
    log(`lateness p99 was ${r.latenessP99Outside} ms outside the lock window as well: the machine is too busy to judge; measuring again`);
  }
  const last = attempts[attempts.length - 1];
  // Still too busy after the retries: judge the lock by what it adds to the lateness around it
  // (a frozen event loop, the bug this guards against, added 100-400 ms).
  const bound = last.latenessP99Outside >= 50 ? last.latenessP99Outside + 50 : 50;
  expect(last.latenessP99InLock, `latenessMs p99 of slots inside the lock window (outside it: ${last.latenessP99Outside} ms)`).toBeLessThan(
    bound,
  );
  return { ...last, attempts };
}

async function busyLockAttempt(o: BusyLockOptions): Promise<BusyLockReport> {
  const log = o.log ?? defaultLog;
  const t0 = Date.now();
  const t = await createTempDb();
  // Each monitor has its own path, so every probe that ran is counted by the target.
  const hits = new Map<string, number>();
  const target = await startHttp((req, res) => {
    hits.set(req.url ?? "", (hits.get(req.url ?? "") ?? 0) + 1);
    res.writeHead(200);
    res.end("ok");
  });
  let agent: AgentProcess | null = null;
  try {
    const monitors = Array.from({ length: o.monitors }, (_, i) => ({
      slug: `busy-${i}`,
      name: `Busy ${i}`,
      kind: "http",
      url: `${target.url}/m/${i}`,
      interval: "1s",
      timeout: "500ms",
    }));
    const config = writeChaosConfig(t.dir, monitors, { group_window: "0s", remind_every: 0 });
    agent = await startBundledAgent(t.url, config);
    await agent.waitFor(/started in region/, 60_000);
    // Past the start (first incident pass, first batches) before the lock.
    await sleep(o.warmupMs ?? 4000);
    const lock = await runLockHolder(dbFile(t), o.lockMs);
    log(`write lock held for ${lock.releasedAt - lock.lockedAt} ms by another process`);
    await sleep(3000);
    agent.child.kill("SIGTERM");
    expect(await agent.exited, "agent exits cleanly").toBe(0);
    const output = agent.output();
    agent = null;
    await integrityOk(t.db);

    const all = await t.db.checkResult.findMany({
      orderBy: { slot: "asc" },
      select: { monitorId: true, slot: true, latenessMs: true, monitor: { select: { slug: true } } },
    });
    const bySlug = new Map<string, typeof all>();
    for (const r of all) bySlug.set(r.monitor.slug, [...(bySlug.get(r.monitor.slug) ?? []), r]);
    expect(bySlug.size, "every monitor has results").toBe(o.monitors);
    const lost: string[] = [];
    const gapsInWindow: string[] = [];
    const gapsAnywhere: string[] = [];
    for (let i = 0; i < o.monitors; i++) {
      const rows = bySlug.get(`busy-${i}`) ?? [];
      // Every probe that ran left its result.
      const ran = hits.get(`/m/${i}`) ?? 0;
      if (rows.length !== ran) lost.push(`busy-${i}: ${ran} probes, ${rows.length} results`);
      const first = rows[0].slot.getTime();
      const last = rows[rows.length - 1].slot.getTime();
      expect(first, "results before the lock").toBeLessThan(lock.lockedAt);
      expect(last, "results after the lock").toBeGreaterThan(lock.releasedAt);
      const have = new Set(rows.map((r) => r.slot.getTime()));
      for (let slot = first; slot <= last; slot += 1000) {
        if (have.has(slot)) continue;
        const at = `busy-${i} slot ${slot - lock.lockedAt > 0 ? "+" : ""}${slot - lock.lockedAt} ms from the lock`;
        gapsAnywhere.push(at);
        if (slot >= lock.lockedAt - 2000) gapsInWindow.push(at);
      }
    }
    if (lost.length) log(`lost: ${lost.join("; ")}\n${output}`);
    expect(lost, "probes whose result was lost").toEqual([]);
    expect(gapsInWindow, "slots missing from 2 s before the lock to the end").toEqual([]);
    const inLock = all.filter((r) => r.slot.getTime() >= lock.lockedAt && r.slot.getTime() <= lock.releasedAt).map((r) => r.latenessMs);
    const outside = all
      .filter((r) => r.slot.getTime() >= lock.lockedAt - 4000 && (r.slot.getTime() < lock.lockedAt || r.slot.getTime() > lock.releasedAt))
      .map((r) => r.latenessMs);
    const report: BusyLockReport = {
      monitors: o.monitors,
      lockMs: lock.releasedAt - lock.lockedAt,
      slots: all.length,
      missingSlots: gapsAnywhere.length,
      missingSlotsAt: gapsAnywhere,
      slotsInLock: inLock.length,
      latenessP50InLock: percentile(inLock, 0.5),
      latenessP99InLock: percentile(inLock, 0.99),
      latenessMaxInLock: Math.max(...inLock),
      latenessP99Outside: percentile(outside, 0.99),
      writeRetries: (output.match(/result write failed/g) ?? []).length,
      totalMs: Date.now() - t0,
    };
    log(`busy lock report: ${JSON.stringify(report)}`);
    if (process.env.CHAOS_DEBUG) {
      const perSecond = new Map<number, number[]>();
      for (const r of all) {
        const sec = Math.floor((r.slot.getTime() - lock.lockedAt) / 1000);
        perSecond.set(sec, [...(perSecond.get(sec) ?? []), Math.round(r.latenessMs)]);
      }
      log(
        [...perSecond]
          .sort((a, b) => a[0] - b[0])
          .map(([sec, l]) => `${sec}s: max ${Math.max(...l)} n ${l.length} [${l.sort((a, b) => b - a).slice(0, 5)}]`)
          .join("\n"),
      );
      log(output);
    }
    expect(report.slotsInLock, "slots inside the lock window").toBeGreaterThanOrEqual(o.monitors * Math.floor(o.lockMs / 1000 - 1));
    expect(report.writeRetries, "the writer met the lock and retried").toBeGreaterThan(0);
    return report;
  } finally {
    if (agent && agent.child.exitCode === null) {
      agent.child.kill("SIGKILL");
      await agent.exited;
    }
    await target.close();
    await t.cleanup();
  }
}
