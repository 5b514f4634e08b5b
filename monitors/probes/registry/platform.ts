/**
 * Platforms compared the way containerd's platform matcher does, so a monitor asks for what
 * `docker pull --platform` would get: `linux/arm64/v8` matches an arm64 entry without a variant,
 * `arm` without a variant is `v7`, and `amd64` `v1` is plain `amd64`.
 */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = {
  x86_64: "amd64",
  "x86-64": "amd64",
  aarch64: "arm64",
  armhf: "arm",
  armel: "arm",
  i386: "386",
};

export function normalizePlatform(p: { os?: string; architecture?: string; variant?: string }): Platform {
  const os = (p.os ?? "").toLowerCase();
  const architecture = ARCH_ALIASES[(p.architecture ?? "").toLowerCase()] ?? (p.architecture ?? "").toLowerCase();
  let variant = (p.variant ?? "").toLowerCase() || undefined;
  if (architecture === "arm64" && (variant === "v8" || variant === "8")) variant = undefined;
  if (architecture === "amd64" && variant === "v1") variant = undefined;
  if (architecture === "arm" && variant === undefined) variant = "v7";
  if (architecture === "arm" && variant && /^\d+$/.test(variant)) variant = `v${variant}`;
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** `linux/arm64/v8` → a Platform. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split("/");
  return normalizePlatform({ os, architecture, variant });
}

export function samePlatform(a: Platform, b: { os?: string; architecture?: string; variant?: string }): boolean {
  const n = normalizePlatform(b);
  return a.os === n.os && a.architecture === n.architecture && (a.variant ?? "") === (n.variant ?? "");
}
