import { z } from "zod";
import { CID } from "multiformats/cid";
import { probeIpfs } from "../ipfs";
import { common, downloadFields, httpUrl, MiB } from "./fields";
import type { ProbeKind } from "./kind";
import { envReference } from "./secret-value";

const cidString = z.string().superRefine((s, ctx) => {
  try {
    CID.parse(s);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `not a valid CID: ${(e as Error).message.slice(0, 80)}` });
  }
});

export const ipfsMonitor = z
  .object({
    ...common,
    kind: z.literal("ipfs"),
    gateway: httpUrl,
    /**
     * Default: the empty identity CID, the standard gateway liveness check. { env: NAME } reads
     * the CID from the environment (a layer of the canary image, which changes when it is pushed again).
     */
    cid: z
      .union([cidString, envReference], {
        error: (iss) => (iss.code === "invalid_union" ? "cid must be a CID or { env: NAME }" : undefined),
      })
      .default("bafkqaaa"),
    ...downloadFields(MiB, 16 * MiB),
  })
  .strict();
export type IpfsMonitorSpec = z.infer<typeof ipfsMonitor>;

export const ipfsKind: ProbeKind<"ipfs", typeof ipfsMonitor> = {
  kind: "ipfs",
  schema: ipfsMonitor,
  secrets: () => [],
  settingsFromEnv: (spec) => (typeof spec.cid === "string" ? [] : [spec.cid.env]),
  run: probeIpfs,
  target: (c) => {
    const cid = c.cid as string | { env?: string } | undefined;
    return `${c.gateway}/ipfs/${typeof cid === "object" && cid ? `<CID from ${cid.env}>` : cid}`;
  },
};
