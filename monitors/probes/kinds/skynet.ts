import { z } from "zod";
import { probeSkynet } from "../skynet";
import { common, downloadFields, httpUrl, MiB, SHA256_HEX } from "./fields";
import type { ProbeKind } from "./kind";
import { envOnlySecret } from "./secret-value";

export const skynetMonitor = z
  .object({
    ...common,
    kind: z.literal("skynet"),
    url: httpUrl,
    skylink: z
      .string()
      .regex(/^(?:[A-Za-z0-9_-]{46}|[0-9a-v]{55})$/, "skylink must be 46 base64url characters or 55 lowercase base32 characters")
      .optional(),
    /** Sent as Skynet-Api-Key: portals with accounts answer only with a key. From the environment only. */
    api_key: envOnlySecret("api_key").optional(),
    expect_size: z.number().int().min(0).optional(),
    expect_sha256: z.string().regex(SHA256_HEX, "expect_sha256 must be 64 hex characters").optional(),
    /** Writes a 64-byte file to the portal on every check: off unless asked for. */
    upload: z.boolean().default(false),
    ...downloadFields(4 * MiB, 64 * MiB),
  })
  .strict();
export type SkynetMonitorSpec = z.infer<typeof skynetMonitor>;

export const skynetKind: ProbeKind<"skynet", typeof skynetMonitor> = {
  kind: "skynet",
  schema: skynetMonitor,
  secrets: (spec) => (spec.api_key ? [spec.api_key] : []),
  run: probeSkynet,
  target: (c) => String(c.url),
};
