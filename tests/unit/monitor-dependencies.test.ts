import { describe, expect, it } from "vitest";
import { ConfigError, loadConfigFile, parseConfig } from "@/monitors/config/load";
import { findCycles, transitiveDependencies } from "@/monitors/core/dependency-graph";
import { CONFIRM_SLACK_MS, decideFailure, type DependencyFacts } from "@/monitors/incidents/dependency-rules";
import { rootCauseTitle } from "@/monitors/incidents/incident-lifecycle";

function config(monitors: string[]): string {
  return `monitors:\n${monitors.map((m) => `  - ${m}`).join("\n")}\n`;
}
const tcp = (slug: string, deps?: string[]) =>
  `{ slug: ${slug}, name: ${slug.toUpperCase()}, kind: tcp, host: example.test, port: 443${deps ? `, depends_on: [${deps.join(", ")}]` : ""} }`;

function problems(text: string): string[] {
  try {
    parseConfig(text, "deps.yaml", {});
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.split("\n");
  }
  throw new Error("config was accepted");
}

describe("depends_on in the config", () => {
  it("accepts a chain and keeps each monitor's list", () => {
    const cfg = parseConfig(
      config([tcp("dns"), tcp("port", ["dns"]), tcp("api", ["port"]), tcp("pull", ["api", "storage"]), tcp("storage")]),
      "ok.yaml",
      {},
    );
    expect(Object.fromEntries(cfg.monitors.map((m) => [m.slug, m.dependsOn]))).toEqual({
      dns: [],
      port: ["dns"],
      api: ["port"],
      pull: ["api", "storage"],
      storage: [],
    });
  });

  it("refuses a slug no monitor has, naming the monitor, the YAML path and the slug", () => {
    expect(problems(config([tcp("api"), tcp("pull", ["api", "storagee"])]))).toEqual([
      'deps.yaml: monitors[1] (pull).depends_on[1]: no monitor has the slug "storagee"',
    ]);
  });

  it("refuses a monitor that depends on itself", () => {
    expect(problems(config([tcp("api", ["api"])]))).toEqual([
      "deps.yaml: monitors[0] (api).depends_on[0]: a monitor cannot depend on itself",
    ]);
  });

  it("refuses a slug listed twice", () => {
    expect(problems(config([tcp("dns"), tcp("api", ["dns", "dns"])]))).toEqual([
      'deps.yaml: monitors[1] (api).depends_on[1]: "dns" is listed twice',
    ]);
  });

  it("refuses a cycle with a line that names it, once however it is entered", () => {
    expect(problems(config([tcp("a", ["b"]), tcp("b", ["c"]), tcp("c", ["a"]), tcp("d", ["b"])]))).toEqual([
      "deps.yaml: monitors[0] (a).depends_on: depends_on forms a cycle: a → b → c → a",
    ]);
    expect(problems(config([tcp("x"), tcp("b", ["a"]), tcp("a", ["b"])]))).toEqual([
      "deps.yaml: monitors[1] (b).depends_on: depends_on forms a cycle: b → a → b",
    ]);
  });

  it("refuses a value that is not a slug list", () => {
    expect(problems(config([tcp("api"), `{ slug: pull, name: P, kind: tcp, host: h.test, port: 1, depends_on: api }`]))[0]).toMatch(
      /^deps\.yaml: monitors\[1\] \(pull\)\.depends_on: /,
    );
    expect(problems(config([tcp("api"), tcp("pull", ["API!"])]))[0]).toBe(
      "deps.yaml: monitors[1] (pull).depends_on[0]: depends_on lists monitor slugs (lowercase letters, digits and dashes)",
    );
  });

  it("the default set declares OpenRegistry's chain: DNS → port → /v2/ → token → pull, storage → pull", () => {
    const cfg = loadConfigFile("monitors/openregistry.yaml", {});
    const graph = new Map(cfg.monitors.map((m) => [m.slug, m.dependsOn]));
    expect(graph.get("registry-tcp")).toEqual(["registry-dns"]);
    expect(graph.get("registry-api")).toEqual(["registry-tcp"]);
    expect(graph.get("registry-token")).toEqual(["registry-api"]);
    expect(graph.get("registry-pull")).toEqual(["registry-token", "filebase-s3"]);
    expect([...transitiveDependencies(graph, "registry-pull")].sort()).toEqual([
      "filebase-s3",
      "registry-api",
      "registry-dns",
      "registry-tcp",
      "registry-token",
    ]);
    expect(findCycles(graph)).toEqual([]);
  });
});

describe("the dependency graph", () => {
  it("follows transitive chains (A → B → C: A depends on B and C)", () => {
    const g = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", []],
      ["d", ["b", "c"]],
    ]);
    expect([...transitiveDependencies(g, "a")].sort()).toEqual(["b", "c"]);
    expect([...transitiveDependencies(g, "d")].sort()).toEqual(["b", "c"]);
    expect([...transitiveDependencies(g, "c")]).toEqual([]);
  });

  it("stays finite on a cycle and finds every separate cycle", () => {
    const g = new Map([
      ["a", ["b"]],
      ["b", ["a"]],
      ["c", ["d"]],
      ["d", ["c"]],
    ]);
    expect([...transitiveDependencies(g, "a")]).toEqual(["b"]);
    expect(findCycles(g)).toEqual([
      ["a", "b", "a"],
      ["c", "d", "c"],
    ]);
  });
});

describe("the decision for a dependant's failure", () => {
  // 1 = DNS, 2 = port (needs 1), 3 = pull (needs 2 and 4), 4 = storage.
  const graph = new Map<number, number[]>([
    [1, []],
    [2, [1]],
    [3, [2, 4]],
    [4, []],
  ]);
  const deps = (id: number) => transitiveDependencies(graph, id);
  const NOW = 1_000_000_000;
  const up: DependencyFacts = { status: "up", since: 0, downQueued: false, failingSince: null, confirmWithinMs: 130_000 };
  const decide = (facts: Record<number, Partial<DependencyFacts>>, id = 3) =>
    decideFailure(deps(id), deps, (d) => ({ ...up, ...facts[d] }), NOW);

  it("is the monitor's own when no dependency is down or failing", () => {
    expect(decide({})).toEqual({ kind: "own" });
    expect(decide({ 4: { status: "degraded" } })).toEqual({ kind: "own" });
  });

  it("is covered by a confirmed-down dependency", () => {
    expect(decide({ 4: { status: "down", since: NOW - 60_000 } })).toEqual({ kind: "covered", rootId: 4 });
  });

  it("names the deepest down dependency as the root cause, transitively (DNS, not the port behind it)", () => {
    expect(decide({ 1: { status: "down", since: NOW - 60_000 }, 2: { status: "down", since: NOW - 120_000 } })).toEqual({
      kind: "covered",
      rootId: 1,
    });
    // The port's own failure has the same root.
    expect(decide({ 1: { status: "down" } }, 2)).toEqual({ kind: "covered", rootId: 1 });
  });

  it("of two independent root causes, takes the older outage", () => {
    expect(decide({ 1: { status: "down", since: NOW - 10_000 }, 4: { status: "down", since: NOW - 90_000 } })).toEqual({
      kind: "covered",
      rootId: 4,
    });
  });

  it("waits while a dependency is failing but not yet confirmed, no longer than it takes to confirm", () => {
    const failingSince = NOW - 30_000;
    expect(decide({ 4: { failingSince } })).toEqual({ kind: "wait", dependencyId: 4, untilMs: failingSince + 130_000 + CONFIRM_SLACK_MS });
    expect(decide({ 4: { failingSince: NOW - 130_000 - CONFIRM_SLACK_MS } })).toEqual({ kind: "own" });
  });

  it("waits for a dependency whose stored change to down has not been acted on yet", () => {
    expect(decide({ 2: { downQueued: true } })).toEqual({ kind: "wait", dependencyId: 2, untilMs: null });
  });

  it("a confirmed-down dependency wins over one still failing", () => {
    expect(decide({ 1: { failingSince: NOW - 1000 }, 4: { status: "down" } })).toEqual({ kind: "covered", rootId: 4 });
  });
});

describe("the root cause's title", () => {
  it("names a public root with its group and counts the dependants", () => {
    expect(rootCauseTitle({ name: "Filebase S3", group: "Storage", isPublic: true, impact: "major" }, 6)).toBe(
      "Storage: Filebase S3 down; 6 dependent checks affected",
    );
    expect(rootCauseTitle({ name: "Storage", group: "Storage", isPublic: true, impact: "minor" }, 1)).toBe(
      "Storage degraded; 1 dependent check affected",
    );
  });

  it("never names a hidden root", () => {
    const title = rootCauseTitle({ name: "Secret DNS resolver", group: "Internal", isPublic: false, impact: "major" }, 4);
    expect(title).toBe("Internal check down; 4 dependent checks affected");
  });
});
