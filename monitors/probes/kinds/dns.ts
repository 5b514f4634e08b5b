import { z } from "zod";
import { probeDns } from "../dns";
import { common, duration } from "./fields";
import type { ProbeKind } from "./kind";

export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA", "PTR"] as const;

export const dnsMonitor = z
  .object({
    ...common,
    kind: z.literal("dns"),
    name: z.string().min(1),
    /** The hostname to resolve. `name` is the display name, so this is `query`. */
    query: z.string().min(1).max(253),
    record: z.enum(DNS_RECORD_TYPES).default("A"),
    /** "ip" or "ip:port"; default: the system resolvers. */
    resolver: z
      .string()
      .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$|^[0-9a-fA-F:]+$/, 'resolver must be "ip" or "ip:port"')
      .optional(),
    expect: z
      .object({
        /** Every one of these values must be among the answers. */
        includes: z.array(z.string()).optional(),
        /** The answers must be exactly this set. */
        equals: z.array(z.string()).optional(),
        min_answers: z.number().int().min(0).default(1),
      })
      .strict()
      .default({ min_answers: 1 }),
    degraded_after: duration("degraded_after").optional(),
  })
  .strict();
export type DnsMonitorSpec = z.infer<typeof dnsMonitor>;

export const dnsKind: ProbeKind<"dns", typeof dnsMonitor> = {
  kind: "dns",
  schema: dnsMonitor,
  secrets: () => [],
  run: (spec, ctx) => probeDns(spec, ctx),
  target: (c) => `${c.query} (${c.record})`,
};
