import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { startAgent, writeConfig } from "../helpers/agent-process";
import { parseConfig } from "@/monitors/config/load";
import { CONFIG_VERSION_SETTING, syncConfig } from "@/monitors/store/config-sync";

describe("config sync", () => {
  let t: TempDb;
  beforeAll(async () => {
    t = await createTempDb();
  });
  afterAll(async () => t.cleanup());

  const cfg = (slugs: string[]) =>
    parseConfig(
      JSON.stringify({ monitors: slugs.map((s) => ({ slug: s, name: s.toUpperCase(), kind: "tcp", host: "127.0.0.1", port: 9 })) }),
      "c.yaml",
      {},
    );
  /** A monitor for the agent-process tests: refused connections every 5 s. */
  const tcpEvery5s = (slug: string) => ({
    slug,
    name: slug.toUpperCase(),
    kind: "tcp",
    host: "127.0.0.1",
    port: 9,
    interval: "5s",
    timeout: "1s",
  });

  it("creates, updates, archives with history and restores monitors", async () => {
    const first = await syncConfig(t.db, cfg(["a", "b"]));
    expect(first.created).toEqual(["a", "b"]);
    const b = await t.db.monitor.findUniqueOrThrow({ where: { slug: "b" } });
    await t.db.stateChange.create({
      data: { monitorId: b.id, fromStatus: "unknown", toStatus: "up", at: new Date(), confirmedAt: new Date() },
    });

    const second = await syncConfig(t.db, cfg(["a"]));
    expect(second.archived).toEqual(["b"]);
    const archived = await t.db.monitor.findUniqueOrThrow({ where: { slug: "b" }, include: { stateChanges: true } });
    expect(archived.archivedAt).toBeInstanceOf(Date);
    expect(archived.stateChanges).toHaveLength(1);

    const third = await syncConfig(t.db, cfg(["a", "b"]));
    expect(third.restored).toEqual(["b"]);
    expect((await t.db.monitor.findUniqueOrThrow({ where: { slug: "b" } })).archivedAt).toBeNull();
  });

  it("writes only what changed: a repeated config rewrites no row, an edited monitor only its own", async () => {
    const slugs = ["p", "q", "r"];
    await syncConfig(t.db, cfg(slugs));
    const before = await t.db.monitor.findMany({ where: { slug: { in: slugs } }, orderBy: { slug: "asc" } });
    await new Promise((r) => setTimeout(r, 20)); // updatedAt would move if a row were written
    const same = await syncConfig(t.db, cfg(slugs));
    expect(same.changed).toEqual([]);
    // Without the fingerprint the rows are compared one by one: the ones the multi-row INSERT wrote
    // (booleans as 1/0, JSON through the dialect) read back equal to the config.
    await t.db.setting.delete({ where: { key: CONFIG_VERSION_SETTING } });
    expect((await syncConfig(t.db, cfg(slugs))).changed).toEqual([]);
    expect(same.updated).toEqual(slugs);
    expect(same.monitors.map((m) => m.id)).toEqual(before.map((m) => m.id));
    expect(await t.db.monitor.findMany({ where: { slug: { in: slugs } }, orderBy: { slug: "asc" } })).toEqual(before);

    const edited = JSON.parse(
      JSON.stringify({ monitors: slugs.map((s) => ({ slug: s, name: s.toUpperCase(), kind: "tcp", host: "127.0.0.1", port: 9 })) }),
    );
    edited.monitors[1].port = 10;
    const one = await syncConfig(t.db, parseConfig(JSON.stringify(edited), "c.yaml", {}));
    expect(one.changed).toEqual(["q"]);
    const after = await t.db.monitor.findMany({ where: { slug: { in: slugs } }, orderBy: { slug: "asc" } });
    expect((after[1].config as { port: number }).port).toBe(10);
    expect([after[0], after[2]]).toEqual([before[0], before[2]]);
  });

  it("a matching config fingerprint is trusted only while every monitor is in place", async () => {
    const slugs = ["s1", "s2"];
    await syncConfig(t.db, cfg(slugs));
    // Something outside the sync archived a monitor: the same config must bring it back.
    await t.db.monitor.update({ where: { slug: "s2" }, data: { archivedAt: new Date() } });
    const again = await syncConfig(t.db, cfg(slugs));
    expect(again.restored).toEqual(["s2"]);
    expect((await t.db.monitor.findUniqueOrThrow({ where: { slug: "s2" } })).archivedAt).toBeNull();
  });

  it("an invalid config makes the agent exit non-zero with one line per problem and leaves the database untouched", async () => {
    const before = JSON.stringify(await t.db.monitor.findMany({ orderBy: { id: "asc" } }));
    const file = join(t.dir, "broken.yaml");
    writeFileSync(file, `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 99999 }\n  - { slug: c, name: C, kind: smtp }\n`);
    const agent = startAgent(t.url, file);
    expect(await agent.exited).toBe(2);
    const out = agent.output();
    expect(out).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: monitors\\[0\\] \\(a\\)\\.port: `));
    expect(out).toMatch(
      /monitors\[1\] \(c\)\.kind: kind must be one of http, tcp, dns, registry, skynet, ipfs, s3, domain, heartbeat, got "smtp"/,
    );
    expect(out).toMatch(/2 problem\(s\) in the config; nothing was changed in the database/);
    expect(JSON.stringify(await t.db.monitor.findMany({ orderBy: { id: "asc" } }))).toBe(before);
  });

  it("a SIGHUP that arrives while the agent is still starting is kept for after the start, not fatal", async () => {
    const file = writeConfig(t.dir, [tcpEvery5s("early1")], "early.yaml");
    const agent = startAgent(t.url, file);
    // SigCgt in /proc lists the signals a process catches; bit 0 is SIGHUP. Node sets it when the
    // agent installs its handler, which must happen before the store thread's start (config sync,
    // worker) is done, or a SIGHUP sent at the "started" line could end the process.
    const catchesSighup = () => {
      try {
        const line = readFileSync(`/proc/${agent.child.pid}/status`, "utf8").match(/^SigCgt:\s*([0-9a-f]+)/m);
        return line !== null && (BigInt(`0x${line[1]}`) & 1n) === 1n;
      } catch {
        return false;
      }
    };
    const until = Date.now() + 20_000;
    while (!catchesSighup()) {
      if (Date.now() > until || agent.child.exitCode !== null) throw new Error(`agent never caught SIGHUP:\n${agent.output()}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(agent.output()).not.toMatch(/started in region/);
    agent.child.kill("SIGHUP");
    await agent.waitFor(/started in region/);
    await agent.waitFor(/reloaded: 0 new, 1 kept/);
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
  }, 30_000);

  it("SIGHUP reloads the config; an invalid edit is refused and the running set is kept", async () => {
    const file = writeConfig(t.dir, [tcpEvery5s("x1")], "reload.yaml");
    const agent = startAgent(t.url, file);
    await agent.waitFor(/started in region/);
    writeConfig(t.dir, [tcpEvery5s("x1"), tcpEvery5s("x2")], "reload.yaml");
    agent.child.kill("SIGHUP");
    await agent.waitFor(/reloaded: 1 new/);
    expect(await t.db.monitor.findUnique({ where: { slug: "x2" } })).not.toBeNull();

    writeFileSync(file, "monitors:\n  - { slug: x1, kind: tcp }\n");
    agent.child.kill("SIGHUP");
    await agent.waitFor(/reload refused, keeping the running config/);
    expect((await t.db.monitor.findUniqueOrThrow({ where: { slug: "x2" } })).archivedAt).toBeNull();
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
  }, 30_000);
});
