// The programs and servers outside node_modules that some tests need. vitest.config.ts looks for
// them once per run (detectPartsOnce), hands the answer to every test process in TEST_PARTS,
// and leaves the `postgres` project out when PostgreSQL is missing; tests/global-setup.ts prints
// the answer at the start of the run and, with TEST_STRICT=1 (CI), fails the run if anything is
// missing. Tests skip what they cannot run with `describe.skipIf(missing("chromium"))`.
//
// TEST_WITHOUT=promtool,chromium pretends those parts are missing (to see the skips on a machine
// that has everything).
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

export const PARTS = ["postgres", "chromium", "promtool", "docker-registry", "prometheus-alertmanager"] as const;
export type Part = (typeof PARTS)[number];

/** The PostgreSQL server the tests use (a database on it is created per temp database). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/test";

/** Debian's Chromium (never a downloaded browser). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags every headless Chromium here starts with: without the networking ones it keeps dialling out of this closed network. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/** What each part is used for, and how to get it. */
export const ABOUT: Record<Part, { skips: string; get: string }> = {
  postgres: {
    skips:
      "the `postgres` project and the PostgreSQL-only tests (agents-visible, lease-manager, regions-quorum, web-nodes, the PostgreSQL migration check)",
    get: "apt-get install postgresql, with a database `test` that user postgres opens without a password on 127.0.0.1:5432 (or set TEST_POSTGRES_URL)",
  },
  chromium: {
    skips: "the browser tests (tests/e2e, the Chromium check in markdown-xss-admin)",
    get: "apt-get install chromium (or set CHROMIUM_PATH)",
  },
  promtool: {
    skips: "the promtool checks of /metrics (public-api, agents-visible)",
    get: "apt-get install prometheus",
  },
  "docker-registry": {
    skips: "the registry probe tests (registry-probe)",
    get: "apt-get install docker-registry",
  },
  "prometheus-alertmanager": {
    skips: "the round trip through a real Alertmanager (alertmanager)",
    get: "apt-get install prometheus-alertmanager",
  },
};

const ENV = "TEST_PARTS";

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The parts named in TEST_WITHOUT; an unknown name is an error (a typo would silently test everything). */
export function withoutParts(value = process.env.TEST_WITHOUT ?? ""): Set<Part> {
  const names = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(PARTS as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`TEST_WITHOUT names unknown part(s) ${unknown.join(", ")}; known: ${PARTS.join(", ")}`);
  return new Set(names as Part[]);
}

export interface Found {
  part: Part;
  where?: string;
  /** Why it counts as missing. */
  reason?: string;
}

/** PostgreSQL answers `SELECT 1` at TEST_POSTGRES_URL within a second. */
async function findPostgres(): Promise<Found> {
  const { default: pg } = await import("pg");
  const c = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 1000, query_timeout: 1000 });
  const where = TEST_POSTGRES_URL.replace(/\/\/[^@/]*@/, "//");
  try {
    await c.connect();
    await c.query("SELECT 1");
    return { part: "postgres", where };
  } catch (e) {
    return { part: "postgres", reason: `${where}: ${(e as Error).message || (e as { code?: string }).code || String(e)}` };
  } finally {
    await c.end().catch(() => {});
  }
}

function findBinary(part: Part): Found {
  if (part === "chromium") return existsSync(CHROMIUM) ? { part, where: CHROMIUM } : { part, reason: `${CHROMIUM} does not exist` };
  const where = onPath(part);
  return where ? { part, where } : { part, reason: "not on PATH" };
}

/** Looks for every part (PostgreSQL: one connection, 1 s at most; the others: a file check). */
export async function detectParts(): Promise<Found[]> {
  const without = withoutParts();
  const found = [await findPostgres(), ...PARTS.filter((p) => p !== "postgres").map(findBinary)];
  return found.map((f) => (without.has(f.part) ? { part: f.part, reason: "TEST_WITHOUT" } : f));
}

/** Runs detectParts once and records the answer in the environment the test processes inherit. */
export async function detectPartsOnce(): Promise<Found[]> {
  const found = await detectParts();
  process.env[ENV] = JSON.stringify(found);
  return found;
}

/** The answer detectPartsOnce recorded, if this run has one. */
export function recordedParts(): Found[] | undefined {
  const recorded = process.env[ENV];
  return recorded ? (JSON.parse(recorded) as Found[]) : undefined;
}

let missingSet: Set<string> | undefined;

/**
 * True when the part is not on this machine, for `describe.skipIf(missing("chromium"))`. Reads the
 * answer vitest.config.ts recorded; a run without it (another config) looks for the programs
 * itself and counts PostgreSQL as present, as before.
 */
export function missing(part: Part): boolean {
  if (!missingSet) {
    const recorded = recordedParts();
    missingSet = recorded
      ? new Set(recorded.filter((f) => f.reason).map((f) => f.part))
      : new Set([...PARTS.filter((p) => p !== "postgres" && findBinary(p).reason), ...withoutParts()]);
  }
  return missingSet.has(part);
}

/** The lines printed at the start of a run: one per part found, one per part missing (what is skipped, how to get it). */
export function describeParts(found: Found[]): string[] {
  return found.map((f) =>
    f.reason
      ? `  missing ${f.part.padEnd(16)} (${f.reason}) skipping ${ABOUT[f.part].skips}; to get it: ${ABOUT[f.part].get}`
      : `  found   ${f.part.padEnd(16)} ${f.where}`,
  );
}
