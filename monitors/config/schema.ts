import { alertRoutingSchema } from "./alert-routing";
import { z } from "zod";
import { confirm, duration } from "../probes/kinds/fields";
import { kindSchemas, MONITOR_KINDS, type MonitorSpec } from "../probes/kinds";
import { DAY_MS } from "../core/duration";

/** Bounds that keep the scheduler sane. Below 10 s is meant for tests and demos; above a day is not monitoring. */
export const MIN_INTERVAL_MS = 1_000;
export const MAX_INTERVAL_MS = DAY_MS;

/** One monitor: the schema of its kind, chosen by `kind` (the kinds are listed in probes/kinds/index.ts). */
export const monitorSchema = z.discriminatedUnion("kind", kindSchemas, {
  error: (issue) => {
    if (issue.code !== "invalid_union") return undefined;
    const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
    return kind === undefined
      ? `kind is missing; it must be one of ${MONITOR_KINDS.join(", ")}`
      : `kind must be one of ${MONITOR_KINDS.join(", ")}, got ${JSON.stringify(kind)}`;
  },
});

export const configSchema = z
  .object({
    version: z.literal(1).default(1),
    defaults: z
      .object({
        interval: duration("interval").default(60_000),
        timeout: duration("timeout").default(10_000),
        confirm: confirm.default({ down: 2, up: 2 }),
      })
      .strict()
      .default({ interval: 60_000, timeout: 10_000, confirm: { down: 2, up: 2 } }),
    /**
     * Display order of component groups; groups not listed follow in order of appearance.
     * A group may carry an objective: { name: Registry, slo: 98 }.
     */
    groups: z
      .array(z.union([z.string().min(1), z.object({ name: z.string().min(1), slo: z.number().gt(0).lt(100).optional() }).strict()]))
      .default([]),
    /** How confirmed outages become incidents, and how long an unacknowledged one may stay quiet. */
    incidents: z
      .object({
        /** Monitors that fail within this long of an open automatic incident's start join it. */
        group_window: duration("group_window").pipe(z.number().min(0).max(DAY_MS)).default(300_000),
        /** resolve: close when every monitor is back; monitoring: move to monitoring and wait for a person. */
        on_recovery: z.enum(["resolve", "monitoring"]).default("resolve"),
        /** Re-notify on-call channels this often until acknowledged or resolved; 0 turns reminders off. */
        remind_every: duration("remind_every")
          .pipe(z.number().refine((v) => v === 0 || v >= 60_000, "remind_every must be 0 (off) or at least 1m"))
          .default(1_800_000),
      })
      .strict()
      .default({ group_window: 300_000, on_recovery: "resolve", remind_every: 1_800_000 }),
    /** Alertmanager webhook: labels to components, severities to impacts (monitors/config/alert-routing.ts). */
    alertmanager: alertRoutingSchema.default(alertRoutingSchema.parse({})),
    monitors: z.array(monitorSchema).max(20_000),
  })
  .strict();

export type { MonitorSpec };
