import { z } from "zod";
import { IMPACTS, type Impact } from "../core/status";

/**
 * How alerts from Prometheus Alertmanager become incidents (the `alertmanager:` section of the
 * monitor config): which label names the component, how its values map to monitor slugs, and how
 * a severity label maps to an impact. The agent's config sync stores it in the Setting table
 * (key "alertmanager"), where the web process's receiver reads it.
 */
export interface AlertRouting {
  componentLabel: string;
  /** Label value -> monitor slug; a value that is itself a monitor's slug needs no entry. */
  components: Record<string, string>;
  severityLabel: string;
  /** Label value -> impact; other values (or none) are `defaultImpact`. */
  severities: Record<string, Impact>;
  defaultImpact: Impact;
}

export const ALERT_ROUTING_SETTING = "alertmanager";

export const DEFAULT_ALERT_ROUTING: AlertRouting = {
  componentLabel: "component",
  components: {},
  severityLabel: "severity",
  severities: { critical: "critical", page: "major", error: "major", warning: "minor", info: "none" },
  defaultImpact: "major",
};

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "must be a Prometheus label name");
const impact = z.enum(IMPACTS, { error: `must be one of ${IMPACTS.join(", ")}` });

/** The YAML section, in the config's snake_case. */
export const alertRoutingSchema = z
  .object({
    component_label: labelName.default(DEFAULT_ALERT_ROUTING.componentLabel),
    components: z.record(z.string().min(1).max(200), z.string().regex(/^[a-z0-9-]{1,64}$/, "must be a monitor slug")).default({}),
    severity_label: labelName.default(DEFAULT_ALERT_ROUTING.severityLabel),
    severities: z.record(z.string().min(1).max(100), impact).default(DEFAULT_ALERT_ROUTING.severities),
    default_impact: impact.default(DEFAULT_ALERT_ROUTING.defaultImpact),
  })
  .strict();

export function alertRoutingFromConfig(s: z.output<typeof alertRoutingSchema>): AlertRouting {
  return {
    componentLabel: s.component_label,
    components: s.components,
    severityLabel: s.severity_label,
    severities: s.severities,
    defaultImpact: s.default_impact,
  };
}

/** The stored routing, or the defaults when the agent has not synced one (or it is unreadable). */
export function storedAlertRouting(value: unknown): AlertRouting {
  const v = value as Partial<AlertRouting> | null;
  if (!v || typeof v !== "object" || typeof v.componentLabel !== "string" || typeof v.severityLabel !== "string")
    return DEFAULT_ALERT_ROUTING;
  return { ...DEFAULT_ALERT_ROUTING, ...v };
}
