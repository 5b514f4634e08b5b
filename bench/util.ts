import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { join } from "node:path";
import { migrate } from "../scripts/migrate.mjs";
import pg from "pg";
import { spawn, type ChildProcess } from "node:child_process";
import { AGENT_BUNDLE, AGENT_NODE_FLAGS, buildAgentIfNeeded } from "../scripts/build-agent.mjs";
import { openDatabase } from "../monitors/store/client";

export const WORK_DIR = join(process.cwd(), "bench", ".work");

export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const median = (v: number[]) => quantile(v, 0.5);
export const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/** A fresh, migrated SQLite database under bench/.work. */
export async function freshDb(name: string) {
  mkdirSync(WORK_DIR, { recursive: true });
  const file = join(WORK_DIR, `${name}.db`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const url = `file:${file}`;
  const r = await migrate({ env: { ...process.env, DATABASE_URL: url }, quiet: true });
  if (!r.ok) throw new Error(`migration failed: ${r.output}`);
  const { db } = await openDatabase(url, { busyTimeoutMs: 5000 });
  return { db, url, file };
}

/** The PostgreSQL server the PostgreSQL benches create their databases on (trust auth). */
export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/test";

/** The URL of database `name` on the bench's PostgreSQL server. */
export function pgDatabaseUrl(name: string): string {
  const u = new URL(BENCH_POSTGRES_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `fn` with a connection to the server's maintenance database (for CREATE / DROP DATABASE). */
export async function withPgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function pgDatabaseExists(name: string): Promise<boolean> {
  return withPgAdmin(async (c) => Boolean((await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount));
}

/** A fresh, migrated PostgreSQL database `name` (dropped first if it exists, with its connections). */
export async function freshPgDb(name: string, opts: { poolSize?: number } = {}) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  await withPgAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  const url = pgDatabaseUrl(name);
  const r = await migrate({ env: { ...process.env, DATABASE_URL: url }, quiet: true });
  if (!r.ok) throw new Error(`migration failed: ${r.output}`);
  const { db } = await openDatabase(url, { poolSize: opts.poolSize });
  return { db, url, name };
}

/** CPU seconds and RSS of a process, read from /proc (Linux). */
export async function processUsage(pid: number): Promise<{ cpuSeconds: number; rssMb: number }> {
  const { readFileSync } = await import("node:fs");
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = Number(stat[11]) + Number(stat[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rssMb: rss / 1024 };
}

/** CPU seconds of each thread of a process (Linux /proc/<pid>/task), by thread id. */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const stat = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      out.set(Number(tid), (Number(stat[11]) + Number(stat[12])) / 100);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/**
 * An agent's CPU between two threadCpuSeconds readings, by thread: its main thread (the probe
 * thread), the busiest other thread (the store thread: Node names no threads, so it is told by its
 * work), and the rest together (V8's garbage collector and compiler helpers, libuv's pool).
 */
export function agentThreadCpu(pid: number, before: Map<number, number>, after: Map<number, number>) {
  const used = [...after].map(([tid, s]) => ({ tid, seconds: s - (before.get(tid) ?? 0) }));
  const probe = used.find((u) => u.tid === pid)?.seconds ?? 0;
  const others = used.filter((u) => u.tid !== pid).sort((a, b) => b.seconds - a.seconds);
  const store = others[0]?.seconds ?? 0;
  const helpers = others.slice(1).reduce((sum, u) => sum + u.seconds, 0);
  return { probe, store, helpers };
}

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
export async function machineTicks(): Promise<{ busy: number; total: number }> {
  const { readFileSync } = await import("node:fs");
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * CPU seconds of every process whose command is `comm` (for example all PostgreSQL server
 * processes), with the CPU of their children that have exited (a PostgreSQL backend's time moves
 * to the postmaster's when its connection closes).
 */
export async function commandCpuSeconds(comm: string): Promise<number> {
  const { readdirSync, readFileSync } = await import("node:fs");
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")")) !== comm) continue;
      const stat = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      ticks += Number(stat[11]) + Number(stat[12]) + Number(stat[13]) + Number(stat[14]);
    } catch {
      // exited meanwhile
    }
  }
  return ticks / 100;
}

/** Process ids whose parent is `pid` (Linux /proc). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const raw = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(raw.slice(raw.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/**
 * The bundled agent (built from the current sources if needed) on database `url` with config file
 * `config`, resolved once it says it started; its output is kept for the error if it does not.
 */
export async function startBundledAgent(url: string, config: string): Promise<ChildProcess> {
  await buildAgentIfNeeded();
  const agent = spawn(process.execPath, [...AGENT_NODE_FLAGS, AGENT_BUNDLE], {
    env: { ...process.env, DATABASE_URL: url, MONITORS_CONFIG: config, CONFIG_WATCH: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  agent.stdout!.on("data", (d) => (out += d));
  agent.stderr!.on("data", (d) => (out += d));
  const until = Date.now() + 60_000;
  while (!/started in region/.test(out)) {
    if (agent.exitCode !== null || Date.now() > until) {
      agent.kill("SIGKILL");
      throw new Error(`agent did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return agent;
}

/** Writes `file`: `n` http monitors m-0…m-(n-1) at 60 s (timeout 5 s), each on its own path of a loopback target. */
export function writeHttpMonitorsConfig(file: string, n: number, port: number): void {
  writeFileSync(
    file,
    stringify({
      monitors: Array.from({ length: n }, (_, i) => ({
        slug: `m-${i}`,
        name: `M ${i}`,
        kind: "http",
        url: `http://127.0.0.1:${port}/${i}`,
        interval: "60s",
        timeout: "5s",
      })),
    }),
  );
}
