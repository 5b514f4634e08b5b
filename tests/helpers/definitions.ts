import { parseConfig, type MonitorDefinition } from "@/monitors/config/load";
import { stringify } from "yaml";

/** Builds validated monitor definitions the way the agent does, from plain objects. */
export function defineMonitors(monitors: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): MonitorDefinition[] {
  return parseConfig(stringify({ monitors, ...extra }), "test.yaml").monitors;
}

export function defineMonitor(m: Record<string, unknown>): MonitorDefinition {
  return defineMonitors([{ slug: "t", name: "T", interval: "10s", timeout: "2s", ...m }])[0];
}
