// Every malformed config of the corpus is refused by the agent with its precise message and
// leaves the database exactly as it was (the validator runs before anything is written).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTempDb, type TempDb } from "../helpers/temp-db";
import { ALIAS_BOMB, BAD_CONFIGS } from "../helpers/bad-configs";
import { StatusAgent } from "@/monitors/agent/status-agent";
import { ConfigError } from "@/monitors/config/load";
import { startAgent } from "../helpers/agent-process";

let t: TempDb;

async function snapshot(): Promise<string> {
  const [monitors, settings, states, results, changes] = await Promise.all([
    t.db.monitor.findMany({ orderBy: { id: "asc" } }),
    t.db.setting.findMany({ orderBy: { key: "asc" } }),
    t.db.monitorState.findMany({ orderBy: { monitorId: "asc" } }),
    t.db.checkResult.count(),
    t.db.stateChange.count(),
  ]);
  return JSON.stringify({ monitors, settings, states, results, changes });
}

beforeAll(async () => {
  t = await createTempDb();
  const good = join(t.dir, "good.yaml");
  writeFileSync(
    good,
    `groups: [Core]\nmonitors:\n  - { slug: web, name: Web, group: Core, kind: tcp, host: 127.0.0.1, port: 9, interval: 1h }\n  - { slug: api, name: API, group: Core, kind: tcp, host: 127.0.0.1, port: 9, interval: 1h }\n`,
  );
  const agent = new StatusAgent({ db: t.db, configFile: good, housekeeping: false, notifications: false, log: () => {} });
  await agent.start();
  await agent.stop();
});
afterAll(async () => t?.cleanup());

describe("hostile configs leave the database untouched", () => {
  const corpus: Array<[string, string, RegExp]> = [
    ...BAD_CONFIGS,
    ["YAML alias bomb", ALIAS_BOMB, /alias|Excessive/i],
    ["10 MB file", `# ${"x".repeat(10 * 1024 * 1024)}`, /the file is 10\.0 MB; the limit is 5 MB/],
    ["binary garbage", "\u0000\u0001\u00ff\ufffe{[}]::\u0007", /bad\.yaml: /],
  ];

  it(`holds at least 30 malformed configs`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it("each one is refused with its message and the database stays byte for byte the same", async () => {
    const before = await snapshot();
    for (const [name, text, pattern] of corpus) {
      const file = join(t.dir, "bad.yaml");
      writeFileSync(file, text);
      const agent = new StatusAgent({ db: t.db, configFile: file, housekeeping: false, notifications: false, log: () => {} });
      const err = await agent.start().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(ConfigError);
      // The corpus's patterns expect the file name at the start of a line; here it is a full path.
      expect((err as Error).message, name).toMatch(new RegExp(pattern.source.replace(/^\^/, ""), pattern.flags));
      expect(await snapshot(), name).toBe(before);
    }
  });

  it("the agent process exits with status 2 and the precise line", async () => {
    const file = join(t.dir, "regex.yaml");
    writeFileSync(file, `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { body_regex: "^(a+)+$" } }\n`);
    const agent = startAgent(t.url, file);
    expect(await agent.exited).toBe(2);
    expect(agent.output()).toMatch(/regex\.yaml: monitors\[0\] \(a\)\.expect\.body_regex: the pattern repeats a group that itself repeats/);
    expect(agent.output()).toMatch(/nothing was changed in the database/);
  });
});
