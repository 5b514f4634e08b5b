import { describe, expect, it } from "vitest";
import { writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { parseConfig, loadConfigFile, ConfigError } from "@/monitors/config/load";
import { ALIAS_BOMB, BAD_CONFIGS } from "../helpers/bad-configs";

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, "bad.yaml", env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.split("\n");
  }
  throw new Error("config was accepted");
}

const ok = `monitors:\n  - { slug: web, name: Web, kind: http, url: "https://example.test/" }\n`;

describe("config validation", () => {
  it("accepts a minimal config and fills defaults", () => {
    const cfg = parseConfig(ok, "ok.yaml", {});
    expect(cfg.monitors[0]).toMatchObject({
      slug: "web",
      intervalMs: 60_000,
      timeoutMs: 10_000,
      confirm: { down: 2, up: 2 },
      isPublic: true,
      showTarget: false,
    });
    expect(cfg.monitors[0].phaseMs).toBeGreaterThanOrEqual(0);
    expect(cfg.monitors[0].phaseMs).toBeLessThan(60_000);
  });

  it("the shipped default monitor set is valid", () => {
    const cfg = loadConfigFile("monitors/openregistry.yaml", {});
    expect(cfg.monitors.length).toBeGreaterThanOrEqual(10);
    expect(cfg.groups.slice(0, 4)).toEqual(["Registry", "Web app", "Auth", "Storage"]);
  });

  const cases: Array<[string, string, RegExp]> = BAD_CONFIGS;

  for (const [name, text, pattern] of cases) {
    it(`refuses: ${name}`, () => {
      const lines = problems(text);
      expect(
        lines.some((l) => pattern.test(l)),
        `got:\n${lines.join("\n")}`,
      ).toBe(true);
      for (const l of lines) expect(l.startsWith("bad.yaml: ")).toBe(true);
    });
  }

  it("reports every problem at once, one line each", () => {
    const lines = problems(
      `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 0 }\n  - { slug: b, name: "", kind: http, url: "x" }\n`,
    );
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });

  it("a YAML alias bomb is refused, not expanded", () => {
    const bomb = ALIAS_BOMB;
    const lines = problems(bomb);
    expect(lines.join("\n")).toMatch(/alias|Excessive/i);
  });

  it("a file over the size limit is refused with its size", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, "huge.yaml");
    writeFileSync(file, `# ${"x".repeat(10 * 1024 * 1024)}`);
    expect(() => loadConfigFile(file, {})).toThrow(/huge\.yaml: the file is 10\.0 MB; the limit is 5 MB/);
  });

  it("a missing file names the file", () => {
    expect(() => loadConfigFile("/nonexistent/monitors.yaml", {})).toThrow(/\/nonexistent\/monitors\.yaml: cannot read the file: ENOENT/);
  });

  it("a monitor whose credential variable is unset is disabled, not failed", () => {
    const text = `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", headers: { Authorization: { env: REG_TOKEN } } }\n`;
    expect(parseConfig(text, "c.yaml", {}).monitors[0].disabledReason).toBe("waiting for credentials: set REG_TOKEN");
    expect(parseConfig(text, "c.yaml", { REG_TOKEN: "x" }).monitors[0].disabledReason).toBeUndefined();
  });
});
