import type { IncidentPolicy } from "./incident-policy";
import { alertRoutingFromConfig, type AlertRouting } from "./alert-routing";
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { configSchema, MAX_INTERVAL_MS, MIN_INTERVAL_MS, type MonitorSpec } from "./schema";
import { phaseOffsetMs } from "../schedule/slots";
import { missingSecrets, missingSettings, type Env } from "./secrets";
import { dependsOnProblems } from "./dependencies";

export const DEFAULT_CONFIG_PATH = "monitors/openregistry.yaml";
const MAX_CONFIG_BYTES = 5 * 1024 * 1024;

/** Thrown with one line per problem: "file: path: what is wrong". */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${file}: ${p}`).join("\n"));
    this.name = "ConfigError";
  }
}

export interface MonitorDefinition {
  slug: string;
  name: string;
  group: string;
  kind: MonitorSpec["kind"];
  description?: string;
  isPublic: boolean;
  showTarget: boolean;
  intervalMs: number;
  timeoutMs: number;
  phaseMs: number;
  confirm: { down: number; up: number };
  sloPercent?: number;
  /** Regions that probe it; empty: every region that reports. */
  regions: string[];
  /** Regions that must agree on down or degraded; undefined: a majority of those that reported. */
  quorum?: number;
  /** Slugs of the monitors it depends on (depends_on), checked to exist and to form no cycle. */
  dependsOn: string[];
  sortOrder: number;
  /** Set when the monitor cannot run yet, for example a credential variable that is unset. */
  disabledReason?: string;
  spec: MonitorSpec;
}

export interface LoadedConfig {
  file: string;
  groups: string[];
  /** Objectives of component groups, in percent. */
  groupObjectives: Record<string, number>;
  incidents: IncidentPolicy;
  /** Absent in configs built by hand (tests): the defaults apply. */
  alertmanager?: AlertRouting;
  monitors: MonitorDefinition[];
}

export function configPathFromEnv(env: Env = process.env): string {
  return resolve(env.MONITORS_CONFIG || DEFAULT_CONFIG_PATH);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(top level)";
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  // Name the monitor by slug as well as by index: "monitors[3] (registry-api).url".
  let where = formatPath(issue.path);
  if (issue.path[0] === "monitors" && typeof issue.path[1] === "number") {
    const m = (input as { monitors?: Array<{ slug?: unknown }> }).monitors?.[issue.path[1]];
    if (m && typeof m.slug === "string") where = where.replace(/^monitors\[\d+\]/, (s) => `${s} (${m.slug})`);
  }
  let message = issue.message;
  if (issue.code === "unrecognized_keys")
    message = `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return `${where}: ${message}`;
}

/** Parses and validates config text. Never touches the database. */
export function parseConfig(text: string, file: string, env: Env = process.env): LoadedConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${pos ? `line ${pos.line}, column ${pos.col}` : "YAML"}: ${e.message.split("\n")[0]}`;
      }),
    );
  }
  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(file, [`YAML: ${(e as Error).message.split("\n")[0]}`]);
  }
  if (input === null || input === undefined) throw new ConfigError(file, ["(top level): the file is empty; it needs a monitors: list"]);
  const parsed = configSchema.safeParse(input);
  if (!parsed.success)
    throw new ConfigError(
      file,
      parsed.error.issues.map((i) => describeIssue(i, input)),
    );

  const cfg = parsed.data;
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const monitors: MonitorDefinition[] = cfg.monitors.map((spec, i) => {
    const at = `monitors[${i}] (${spec.slug})`;
    const first = seen.get(spec.slug);
    if (first !== undefined) problems.push(`${at}.slug: duplicate slug "${spec.slug}", first used at monitors[${first}]`);
    else seen.set(spec.slug, i);
    // A heartbeat monitor is pinged, never probed: its "interval" is its schedule (a cron schedule's
    // shortest gap is set by the agent, heartbeat/heartbeat-config.ts) and its "timeout" the grace.
    const pushed = spec.kind === "heartbeat";
    const intervalMs = pushed ? (spec.every ?? MAX_INTERVAL_MS) : (spec.interval ?? cfg.defaults.interval);
    const timeoutMs = pushed ? spec.grace : (spec.timeout ?? Math.min(cfg.defaults.timeout, intervalMs));
    if (!pushed && (intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS)) {
      problems.push(`${at}.interval: must be between 1s and 1d, got ${intervalMs / 1000}s`);
    }
    if (!pushed && (timeoutMs <= 0 || timeoutMs >= intervalMs)) {
      problems.push(`${at}.timeout: must be above 0 and below the interval (${intervalMs / 1000}s), got ${timeoutMs / 1000}s`);
    }
    const degradedAfter = "degraded_after" in spec ? spec.degraded_after : undefined;
    if (degradedAfter !== undefined && degradedAfter >= timeoutMs) {
      problems.push(`${at}.degraded_after: must be below the timeout (${timeoutMs}ms), got ${degradedAfter}ms`);
    }
    if (spec.kind === "registry" && spec.check === "pull" && !spec.pull) {
      problems.push(`${at}.pull: check: pull needs a pull: { repository, reference } section`);
    }
    if (spec.quorum !== undefined && spec.regions && spec.quorum > spec.regions.length) {
      problems.push(`${at}.quorum: ${spec.quorum} is more than the ${spec.regions.length} region(s) listed in regions`);
    }
    if (spec.regions && new Set(spec.regions).size !== spec.regions.length) problems.push(`${at}.regions: a region is listed twice`);
    const missing = missingSecrets(spec, env);
    return {
      slug: spec.slug,
      name: spec.name,
      group: spec.group,
      kind: spec.kind,
      description: spec.description,
      isPublic: spec.public,
      showTarget: spec.show_target,
      intervalMs,
      timeoutMs,
      phaseMs: phaseOffsetMs(spec.slug, intervalMs),
      // One result per run: a missed run is an outage at once unless the monitor asks otherwise.
      confirm: spec.confirm ?? (pushed ? { down: 1, up: 1 } : cfg.defaults.confirm),
      sloPercent: spec.slo,
      regions: spec.regions ?? [],
      quorum: spec.quorum,
      dependsOn: spec.depends_on ?? [],
      sortOrder: i,
      disabledReason: waitingFor(missing, missingSettings(spec, env)),
      spec,
    };
  });
  problems.push(...dependsOnProblems(monitors.map((m, index) => ({ slug: m.slug, index, dependsOn: m.dependsOn }))));
  if (problems.length) throw new ConfigError(file, problems);

  const groups = cfg.groups.map((g) => (typeof g === "string" ? g : g.name));
  const groupObjectives: Record<string, number> = {};
  for (const g of cfg.groups) if (typeof g !== "string" && g.slo !== undefined) groupObjectives[g.name] = g.slo;
  for (const m of monitors) if (!groups.includes(m.group)) groups.push(m.group);
  const incidents: IncidentPolicy = {
    groupWindowMs: cfg.incidents.group_window,
    onRecovery: cfg.incidents.on_recovery,
    remindEveryMs: cfg.incidents.remind_every,
  };
  const slugs = new Set(monitors.map((m) => m.slug));
  for (const [value, slug] of Object.entries(cfg.alertmanager.components)) {
    if (!slugs.has(slug)) problems.push(`alertmanager.components.${value}: no monitor has the slug "${slug}"`);
  }
  if (problems.length) throw new ConfigError(file, problems);
  return { file, groups, groupObjectives, incidents, alertmanager: alertRoutingFromConfig(cfg.alertmanager), monitors };
}

export function loadConfigFile(file = configPathFromEnv(), env: Env = process.env): LoadedConfig {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigError(file, [`the file is ${(size / 1048576).toFixed(1)} MB; the limit is ${MAX_CONFIG_BYTES / 1048576} MB`]);
  }
  return parseConfig(readFileSync(file, "utf8"), file, env);
}

/** Why a monitor cannot run yet: environment variables it needs are not set (null when it can run). */
function waitingFor(secrets: string[], settings: string[]): string | undefined {
  const reasons = [
    ...(secrets.length ? [`waiting for credentials: set ${secrets.join(", ")}`] : []),
    ...(settings.length ? [`waiting for configuration: set ${settings.join(", ")}`] : []),
  ];
  return reasons.length ? reasons.join("; ") : undefined;
}
