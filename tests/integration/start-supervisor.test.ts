// `npm start` (scripts/start.mjs) on a temp SQLite database and a free port: kill -9 of the agent
// child and of the web child. The page keeps serving while the agent is down, each child comes
// back on its own, and SIGTERM still stops everything.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { freePort } from "../helpers/web-process";
import { writeConfig } from "../helpers/agent-process";
import { AGENT_BUNDLE } from "@/scripts/build-agent.mjs";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The child processes of `pid`, by what they run. */
function children(pid: number): { web?: number; agent?: number } {
  let list: number[] = [];
  try {
    list = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return {};
  }
  const out: { web?: number; agent?: number } = {};
  for (const c of list) {
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${c}/cmdline`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    if (cmd.includes("web-server.mjs")) out.web = c;
    else if (cmd.includes(AGENT_BUNDLE)) out.agent = c;
  }
  return out;
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe("npm start supervises its children", () => {
  let t: TempDb;
  let start: ChildProcess;
  let out = "";
  let url = "";

  const pageStatus = async () => {
    try {
      const r = await fetch(`${url}/`, { signal: AbortSignal.timeout(5000) });
      await r.arrayBuffer();
      return r.status;
    } catch {
      return 0;
    }
  };

  beforeAll(async () => {
    t = await createTempDb();
    const config = writeConfig(t.dir, [
      { slug: "local", name: "Local target", kind: "tcp", host: "127.0.0.1", port: 9, interval: "5s", timeout: "1s" },
    ]);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    start = spawn(process.execPath, ["scripts/start.mjs"], {
      env: { ...process.env, DATABASE_URL: t.url, PORT: String(port), MONITORS_CONFIG: config, CONFIG_WATCH: "0", PUBLIC_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    start.stdout!.on("data", (d) => (out += d));
    start.stderr!.on("data", (d) => (out += d));
    await until(
      "the page serving",
      async () =>
        start.exitCode === null ? (await pageStatus()) === 200 || undefined : Promise.reject(new Error(`npm start exited:\n${out}`)),
      240_000,
    );
    await until(
      "both children running",
      () => {
        const c = children(start.pid!);
        return c.web && c.agent ? c : undefined;
      },
      30_000,
    );
  }, 300_000);

  afterAll(async () => {
    if (start && start.exitCode === null) {
      try {
        process.kill(-start.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await t?.cleanup();
  });

  it("restarts a kill -9'd agent while the page keeps serving", async () => {
    const before = children(start.pid!);
    process.kill(before.agent!, "SIGKILL");
    // Ask for the page throughout the agent's absence: every answer must be a 200.
    const statuses: number[] = [];
    const back = await until(
      "a new agent",
      async () => {
        statuses.push(await pageStatus());
        const c = children(start.pid!);
        return c.agent && c.agent !== before.agent ? c : undefined;
      },
      20_000,
    );
    for (let i = 0; i < 5; i++) statuses.push(await pageStatus());
    expect(statuses.length).toBeGreaterThan(3);
    expect(
      statuses.every((s) => s === 200),
      `statuses during the agent's restart: ${statuses.join(",")}`,
    ).toBe(true);
    expect(back.web).toBe(before.web);
    expect(out).toMatch(/agent exited \(SIGKILL\) after [\d.]+ s; restarting it in 1 s \(restart 1\)/);
  }, 60_000);

  it("restarts a kill -9'd web process and leaves the agent running", async () => {
    const before = children(start.pid!);
    process.kill(before.web!, "SIGKILL");
    await until(
      "a new web process",
      () => {
        const c = children(start.pid!);
        return c.web && c.web !== before.web ? c : undefined;
      },
      20_000,
    );
    await until("the page serving again", async () => (await pageStatus()) === 200 || undefined, 120_000);
    expect(children(start.pid!).agent).toBe(before.agent);
    expect(out).toMatch(/web exited \(SIGKILL\) after [\d.]+ s; restarting it in 1 s \(restart 1\)/);
  }, 150_000);

  it("still stops both children on SIGTERM, and restarts neither", async () => {
    const before = children(start.pid!);
    const exited = new Promise<number | null>((r) => start.once("exit", (code) => r(code)));
    process.kill(start.pid!, "SIGTERM");
    expect(await Promise.race([exited, sleep(25_000).then(() => "timeout")])).toBe(0);
    for (const pid of [before.web!, before.agent!]) {
      expect(() => process.kill(pid, 0), `child ${pid} still alive`).toThrow();
    }
    expect(out).not.toMatch(/restart 2\)/);
  }, 30_000);
});
