import { ConfigError, type LoadedConfig } from "../config/load";
import type { Env } from "../config/secrets";
import { MAX_INTERVAL_MS } from "../config/schema";
import { minimumGapMinutes, parseRecurrence } from "../maintenance/recurrence";
import type { HeartbeatMonitorSpec } from "../probes/kinds/heartbeat";

/** How long past a deadline the agent waits for a ping stamped by a web node whose clock is behind. */
export const PING_SETTLE_MS = 2_000;
/** Time the store thread may take to judge a deadline and write its slot (its pass runs every 250 ms). */
const JUDGING_MS = 1_000;

/** The heartbeat monitors of a config, with their index in the file (for error paths). */
export function heartbeatMonitors(config: LoadedConfig) {
  return config.monitors.flatMap((def, index) => (def.spec.kind === "heartbeat" ? [{ def, spec: def.spec, index }] : []));
}

export function isHeartbeat(def: { kind: string }): boolean {
  return def.kind === "heartbeat";
}

/**
 * The checks of heartbeat monitors that need more than the schema (config/ cannot import the cron
 * parser, which lives in maintenance/): the cron expression and zone, two monitors sharing a token,
 * and regions, which mean nothing for a monitor that is pinged. A cron monitor's interval becomes the shortest
 * gap of its schedule (for staleness and the uptime bars' slot length), and the timeout covers the
 * grace and the settling time. Throws a ConfigError.
 */
export function checkHeartbeatConfig(config: LoadedConfig, opts: { env?: Env } = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const problems: string[] = [];
  const tokens = new Map<string, number>();
  for (const { def, spec, index } of heartbeatMonitors(config)) {
    const at = `monitors[${index}] (${def.slug})`;
    for (const key of ["regions", "quorum"] as const) {
      if (spec[key] !== undefined)
        problems.push(`${at}.${key}: a heartbeat monitor is judged from its pings, not probed from regions; remove ${key}`);
    }
    if (spec.cron !== undefined) {
      const parsed = parseRecurrence(spec.cron, spec.tz ?? "UTC");
      if (!parsed.ok) {
        problems.push(`${at}.${/zone/i.test(parsed.error) ? "tz" : "cron"}: ${parsed.error}`);
        continue;
      }
      const gap = minimumGapMinutes(parsed.rule, new Date(), 400);
      // A rule that fires once (or never) within a year: the interval is a year's worth.
      def.intervalMs = gap === null ? MAX_INTERVAL_MS * 366 : gap * 60_000;
    }
    // A slot is judged grace + settling after it is due, so its result is that late by design: the
    // page's staleness (2 × interval + timeout) must allow for it, or a missed run shows as stale.
    def.timeoutMs = spec.grace + PING_SETTLE_MS + JUDGING_MS;
    const value = tokenValue(spec, env);
    if (value !== null) {
      const first = tokens.get(value);
      if (first !== undefined) problems.push(`${at}.token: the same token as monitors[${first}]; each heartbeat monitor needs its own`);
      else tokens.set(value, index);
      if (value.length < 16 || !/^[A-Za-z0-9_-]+$/.test(value))
        problems.push(
          `${at}.token: the variable ${spec.token!.env} must hold at least 16 letters, digits, "-" or "_" (it goes into a URL), got ${value.length} characters`,
        );
    }
  }
  if (problems.length) throw new ConfigError(config.file, problems);
  return config;
}

/** The token a monitor takes from the environment, or null when it has none there (generated, or unset). */
export function tokenValue(spec: HeartbeatMonitorSpec, env: Env): string | null {
  return spec.token ? (env[spec.token.env] ?? null) : null;
}
