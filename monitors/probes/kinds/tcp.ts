import { z } from "zod";
import { probeTcp } from "../tcp";
import { common, duration } from "./fields";
import type { ProbeKind } from "./kind";

export const tcpMonitor = z
  .object({
    ...common,
    kind: z.literal("tcp"),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    degraded_after: duration("degraded_after").optional(),
  })
  .strict();
export type TcpMonitorSpec = z.infer<typeof tcpMonitor>;

export const tcpKind: ProbeKind<"tcp", typeof tcpMonitor> = {
  kind: "tcp",
  schema: tcpMonitor,
  secrets: () => [],
  run: (spec, ctx) => probeTcp(spec, ctx),
  target: (c) => `${c.host}:${c.port}`,
};
