/**
 * /metrics in the Prometheus text exposition format (version 0.0.4): per-monitor state,
 * latency, uptime, check counts and lateness, the agents' heartbeats, and this process.
 */
import { isStale } from "../queries/overall-status";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Db } from "../store/client";
import { uptimeForAll, ALL_WINDOWS } from "../queries/uptime";
import { agentAlive } from "../queries/agent-liveness";

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function label(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

class Exposition {
  private readonly lines: string[] = [];

  metric(name: string, type: "gauge" | "counter", help: string, samples: Array<[Record<string, string>, number | null | undefined]>): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${label(v)}"`)
        .join(",");
      this.lines.push(`${name}${l ? `{${l}}` : ""} ${value}`);
    }
  }

  toString(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

/** `includeHidden` only for callers that presented the metrics token. */
export async function prometheusMetrics(db: Db, opts: { includeHidden: boolean; now?: number }): Promise<string> {
  const now = opts.now ?? Date.now();
  const monitors = await db.monitor.findMany({
    where: { archivedAt: null, ...(opts.includeHidden ? {} : { isPublic: true }) },
    orderBy: { sortOrder: "asc" },
    select: { id: true, slug: true, group: true, state: true, intervalSec: true, timeoutMs: true, disabledReason: true },
  });
  const ids = monitors.map((m) => m.id);
  const [uptime, totals, agents] = await Promise.all([
    uptimeForAll(db, { monitorIds: ids, now }),
    db.rollup.groupBy({
      by: ["monitorId"],
      where: { monitorId: { in: ids }, resolution: "day" },
      _sum: { up: true, degraded: true, down: true, maintenance: true },
    }),
    db.agent.findMany({ orderBy: { startedAt: "asc" } }),
  ]);
  const totalById = new Map(totals.map((t) => [t.monitorId, t._sum]));
  const l = (m: (typeof monitors)[number]) => ({ monitor: m.slug, group: m.group });
  const e = new Exposition();

  // Only a recent confirmed observation is a value: never checked, unconfirmed or stale has no sample.
  const observed = (m: (typeof monitors)[number]) => m.state && m.state.status !== "unknown" && m.state.lastSlot && !isStale(m, now);
  e.metric(
    "openregistry_monitor_up",
    "gauge",
    "1 when the monitor's confirmed state is up or degraded, 0 when down; absent when not observed lately.",
    monitors.map((m) => [l(m), observed(m) ? (m.state!.status === "down" ? 0 : 1) : null]),
  );
  e.metric(
    "openregistry_monitor_stale",
    "gauge",
    "1 when the newest result is older than two intervals plus the timeout (the checker is behind).",
    monitors.map((m) => [l(m), isStale(m, now) ? 1 : 0]),
  );
  e.metric(
    "openregistry_monitor_state",
    "gauge",
    "The monitor's confirmed state (one series per state, 1 for the current one).",
    monitors.flatMap((m) =>
      ["up", "degraded", "down", "unknown"].map(
        (s) => [{ ...l(m), state: s }, (m.state?.status ?? "unknown") === s ? 1 : 0] as [Record<string, string>, number],
      ),
    ),
  );
  e.metric(
    "openregistry_monitor_latency_seconds",
    "gauge",
    "Total time of the last successful check.",
    monitors.map((m) => [l(m), m.state?.lastLatencyMs != null ? m.state.lastLatencyMs / 1000 : null]),
  );
  e.metric(
    "openregistry_monitor_lateness_seconds",
    "gauge",
    "Start of the last check minus its scheduled slot.",
    monitors.map((m) => [l(m), m.state?.lastLatenessMs != null ? m.state.lastLatenessMs / 1000 : null]),
  );
  e.metric(
    "openregistry_monitor_last_check_timestamp_seconds",
    "gauge",
    "Slot of the last check, Unix time.",
    monitors.map((m) => [l(m), m.state?.lastSlot ? m.state.lastSlot.getTime() / 1000 : null]),
  );
  e.metric(
    "openregistry_monitor_uptime_ratio",
    "gauge",
    "(up + degraded) / (up + degraded + down) over the window; maintenance and no data excluded.",
    monitors.flatMap((m) =>
      ALL_WINDOWS.map((w) => [{ ...l(m), window: w }, uptime.get(m.id)?.[w].ratio] as [Record<string, string>, number | null | undefined]),
    ),
  );
  e.metric(
    "openregistry_monitor_checks_total",
    "counter",
    "Checks by the status they count as, over the kept history.",
    monitors.flatMap((m) =>
      (["up", "degraded", "down", "maintenance"] as const).map(
        (s) => [{ ...l(m), status: s }, Number(totalById.get(m.id)?.[s] ?? 0)] as [Record<string, string>, number],
      ),
    ),
  );
  e.metric(
    "openregistry_agent_up",
    "gauge",
    "1 when the agent's heartbeat is recent (three missed heartbeats make it 0).",
    agents.map((a) => [{ agent: a.id, region: a.region }, agentAlive(a.lastSeenAt, now) ? 1 : 0]),
  );
  e.metric(
    "openregistry_agent_last_seen_timestamp_seconds",
    "gauge",
    "The agent's last heartbeat, Unix time.",
    agents.map((a) => [{ agent: a.id, region: a.region }, a.lastSeenAt.getTime() / 1000]),
  );
  e.metric(
    "openregistry_agent_monitors",
    "gauge",
    "Monitors the agent probes (its leases, in a region).",
    agents.map((a) => [{ agent: a.id, region: a.region }, a.monitors]),
  );
  e.metric(
    "openregistry_agent_checks_total",
    "counter",
    "Checks the agent started since it started.",
    agents.map((a) => [{ agent: a.id, region: a.region }, a.checks]),
  );
  e.metric(
    "openregistry_agent_lateness_p50_seconds",
    "gauge",
    "Median lateness of the agent's recent checks.",
    agents.map((a) => [{ agent: a.id, region: a.region }, a.latenessP50Ms != null ? a.latenessP50Ms / 1000 : null]),
  );
  e.metric(
    "openregistry_agent_lateness_p99_seconds",
    "gauge",
    "p99 lateness of the agent's recent checks.",
    agents.map((a) => [{ agent: a.id, region: a.region }, a.latenessP99Ms != null ? a.latenessP99Ms / 1000 : null]),
  );

  const mem = process.memoryUsage();
  // Gauges rather than a summary: the histogram resets at each scrape, so these are per-interval values.
  e.metric("openregistry_web_event_loop_delay_p50_seconds", "gauge", "Median event-loop delay of this web process since the last scrape.", [
    [{}, loopDelay.percentile(50) / 1e9],
  ]);
  e.metric("openregistry_web_event_loop_delay_p99_seconds", "gauge", "p99 event-loop delay of this web process since the last scrape.", [
    [{}, loopDelay.percentile(99) / 1e9],
  ]);
  e.metric(
    "openregistry_web_event_loop_delay_max_seconds",
    "gauge",
    "Largest event-loop delay of this web process since the last scrape.",
    [[{}, loopDelay.max / 1e9]],
  );
  loopDelay.reset();
  e.metric("openregistry_web_resident_memory_bytes", "gauge", "Resident memory of this web process.", [[{}, mem.rss]]);
  e.metric("openregistry_web_heap_used_bytes", "gauge", "V8 heap in use in this web process.", [[{}, mem.heapUsed]]);
  return e.toString();
}
