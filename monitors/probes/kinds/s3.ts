import { z } from "zod";
import { probeS3 } from "../s3/s3-probe";
import { common, downloadFields, httpUrl, MiB, SHA256_HEX } from "./fields";
import type { ProbeKind } from "./kind";
import { secretValue } from "./secret-value";

export const s3Monitor = z
  .object({
    ...common,
    kind: z.literal("s3"),
    endpoint: httpUrl,
    region: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/)
      .default("us-east-1"),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "bucket must be a valid S3 bucket name"),
    key: z.string().min(1).max(1024),
    access_key_id: secretValue,
    secret_access_key: secretValue,
    path_style: z.boolean().default(true),
    /** Also GET the object (keep it small) and check expect_sha256. */
    get: z.boolean().default(false),
    expect_sha256: z.string().regex(SHA256_HEX, "expect_sha256 must be 64 hex characters").optional(),
    /** Filebase stores the object's IPFS CID in x-amz-meta-cid: pin it here. */
    expect_cid: z.string().optional(),
    ...downloadFields(MiB, 16 * MiB),
  })
  .strict();
export type S3MonitorSpec = z.infer<typeof s3Monitor>;

export const s3Kind: ProbeKind<"s3", typeof s3Monitor> = {
  kind: "s3",
  schema: s3Monitor,
  secrets: (spec) => [spec.access_key_id, spec.secret_access_key],
  run: probeS3,
  target: (c) => `${c.endpoint}/${c.bucket}/${c.key}`,
};
