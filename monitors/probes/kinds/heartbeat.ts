import { z } from "zod";
import { common, duration } from "./fields";
import type { ProbeKind } from "./kind";
import { envOnlySecret } from "./secret-value";

/** The longest expected gap between pings and the longest grace or run time: a year covers a yearly cron. */
const MAX_SPAN_MS = 366 * 86_400_000;

// interval and timeout mean nothing for a monitor that is pinged: its schedule is `every` or `cron`.
const { interval: _interval, timeout: _timeout, ...commonFields } = common;

/**
 * A push monitor: a job pings /ping/<token> and the agent judges whether the pings keep to the
 * schedule (monitors/heartbeat/). The cron expression is checked when the agent loads the config
 * (monitors/heartbeat/heartbeat-config.ts), with the same parser as maintenance windows.
 */
export const heartbeatMonitor = z
  .object({
    ...commonFields,
    kind: z.literal("heartbeat"),
    /** A ping is expected this long after the previous one. */
    every: duration("every")
      .pipe(z.number().min(1_000, "every must be at least 1s").max(MAX_SPAN_MS, "every must be at most 366d"))
      .optional(),
    /** Or: a ping is expected at each time of this 5-field cron expression, in `tz`. */
    cron: z.string().min(1).max(200).optional(),
    tz: z.string().min(1).max(64).optional(),
    /** How long after a due time a ping still counts as on time. */
    grace: duration("grace").pipe(z.number().min(0).max(MAX_SPAN_MS, "grace must be at most 366d")).default(60_000),
    /** A run (a /start ping) not finished within this long is degraded. */
    max_runtime: duration("max_runtime")
      .pipe(z.number().min(1_000, "max_runtime must be at least 1s").max(MAX_SPAN_MS, "max_runtime must be at most 366d"))
      .optional(),
    /** The secret in the ping URL, from the environment; left out, the agent makes one (shown in /admin). */
    token: envOnlySecret("token").optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if ((m.every === undefined) === (m.cron === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["every"],
        message: 'a heartbeat monitor needs exactly one schedule: every: <duration> or cron: "<5 fields>"',
      });
    }
    if (m.tz !== undefined && m.cron === undefined) ctx.addIssue({ code: "custom", path: ["tz"], message: "tz is only for cron:" });
  });
export type HeartbeatMonitorSpec = z.infer<typeof heartbeatMonitor>;

export const heartbeatKind: ProbeKind<"heartbeat", typeof heartbeatMonitor> = {
  kind: "heartbeat",
  schema: heartbeatMonitor,
  secrets: (spec) => (spec.token ? [spec.token] : []),
  // Never called: the probe thread is not given heartbeat monitors (agent/solo-mode.ts); their
  // results come from pings, judged on the store thread (heartbeat/heartbeat-pass.ts).
  run: async () => ({
    status: "down",
    phases: { totalMs: 0 },
    errorClass: "internal",
    error: "heartbeat monitors are not probed",
    details: {},
  }),
  target: (c) => {
    const schedule = typeof c.cron === "string" ? `cron "${c.cron}" (${typeof c.tz === "string" ? c.tz : "UTC"})` : `every ${ms(c.every)}`;
    return `pings expected ${schedule}, grace ${ms(c.grace)}`;
  },
};

function ms(v: unknown): string {
  if (typeof v !== "number") return "?";
  if (v % 3_600_000 === 0) return `${v / 3_600_000}h`;
  if (v % 60_000 === 0) return `${v / 60_000}m`;
  return `${v / 1000}s`;
}
