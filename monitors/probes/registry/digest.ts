import { createHash } from "node:crypto";

/** The OCI digests a client verifies: sha256 (the default) and sha512, both registered in the OCI image spec. */
export const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** The digest of `bytes` with the algorithm of `like` (a digest the registry named), e.g. sha512:… for sha512:…. */
export function digestLike(like: string, bytes: Buffer): string {
  const algorithm = like.startsWith("sha512:") ? "sha512" : "sha256";
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}
