import type { UptimeWindow } from "./uptime";

/** The uptime windows the home page offers. Its own module: the page's markup needs it without the queries' database code. */
export const PAGE_WINDOWS = ["24h", "7d", "30d", "90d"] as const satisfies readonly UptimeWindow[];
export type PageWindow = (typeof PAGE_WINDOWS)[number];
