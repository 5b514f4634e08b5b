import { z } from "zod";
import { rdapDomainName } from "../rdap/domain-name";
import { probeDomain } from "../rdap/domain-probe";
import { common, duration, httpUrl } from "./fields";
import type { ProbeKind } from "./kind";
import { HOUR_MS } from "../../core/duration";

/**
 * Registration facts change over days, and RDAP servers rate-limit: four checks a day see an
 * expiry weeks ahead and stay far below any limit. `defaults.interval` (meant for the fast
 * probes) does not apply to this kind; a monitor's own `interval` does.
 */
export const DOMAIN_INTERVAL_MS = 6 * HOUR_MS;
export const DEFAULT_EXPIRY_WARN_DAYS = 30;

const domainName = z.string().superRefine((s, ctx) => {
  if (rdapDomainName(s) === null)
    ctx.addIssue({
      code: "custom",
      message: `domain must be a registered domain name such as openregistry.dev (no scheme, path, port or IP address), got ${JSON.stringify(s)}`,
    });
});

const warnDays = z.unknown().transform((v, ctx) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 365) {
    ctx.addIssue({ code: "custom", message: `expiry_warn_days must be a whole number of days from 1 to 365, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return v;
});

export const domainMonitor = z
  .object({
    ...common,
    kind: z.literal("domain"),
    /** The registered domain whose registration is watched, e.g. openregistry.dev. */
    domain: domainName,
    /** Degraded when the registration expires within this many days. */
    expiry_warn_days: warnDays.default(DEFAULT_EXPIRY_WARN_DAYS),
    /** An RDAP base URL to ask instead of the one IANA's bootstrap file names (private TLDs, tests). */
    rdap_url: httpUrl.optional(),
    interval: duration("interval").default(DOMAIN_INTERVAL_MS),
  })
  .strict();
export type DomainMonitorSpec = z.infer<typeof domainMonitor>;

export const domainKind: ProbeKind<"domain", typeof domainMonitor> = {
  kind: "domain",
  schema: domainMonitor,
  secrets: () => [],
  run: (spec, ctx, opts) => probeDomain(spec, ctx, opts),
  target: (c) => `${c.domain} (RDAP${typeof c.rdap_url === "string" ? ` at ${c.rdap_url}` : ""})`,
};
