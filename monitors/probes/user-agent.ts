/**
 * The User-Agent every probe sends. It names the region, so a target's operator can tell which
 * region's checks reach them (and a test target can fail for one region only).
 */
export function probeUserAgent(region?: string): string {
  return `openregistry-status/0.1 (+https://github.com/containerish/OpenRegistry${region && region !== "default" ? `; region ${region}` : ""})`;
}
