import { z } from "zod";
import { DAY_MS } from "../../core/duration";

/** IANA's RDAP bootstrap registry for domain names (RFC 9224). */
export const IANA_DNS_BOOTSTRAP_URL = "https://data.iana.org/rdap/dns.json";
/** IANA updates the file when a TLD's RDAP server changes, which is rare: a day is fresh enough. */
export const BOOTSTRAP_TTL_MS = DAY_MS;

/** RFC 9224 §3: `services` is a list of [entries, service URLs] pairs; the other members are informative. */
const bootstrapFile = z.object({
  services: z.array(z.tuple([z.array(z.string()), z.array(z.string())]).rest(z.unknown())),
});

export class BootstrapError extends Error {
  override name = "BootstrapError";
}

/** TLD (or longer suffix) → the RDAP base URLs that serve it. */
export type BootstrapTable = Map<string, string[]>;

/** Reads a bootstrap file's JSON text; throws a BootstrapError that names what is wrong. */
export function parseBootstrap(text: string): BootstrapTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BootstrapError(`bootstrap file is not JSON (${(e as Error).message.slice(0, 80)})`);
  }
  const parsed = bootstrapFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BootstrapError(`bootstrap file is malformed at ${["services", ...issue.path.slice(1)].join(".")}: ${issue.message}`);
  }
  const table: BootstrapTable = new Map();
  for (const [entries, urls] of parsed.data.services) {
    const usable = urls.filter((u) => /^https?:\/\//i.test(u));
    if (!usable.length) continue;
    for (const entry of entries) table.set(entry.toLowerCase().replace(/\.$/, ""), usable);
  }
  return table;
}

/**
 * The RDAP base URL for a domain: the entry matching the most labels wins (RFC 9224 §4, so
 * "example.co.uk" goes to a "co.uk" entry before a "uk" one), and an https URL is preferred.
 * Null when no entry matches.
 */
export function rdapBaseFor(table: BootstrapTable, domain: string): string | null {
  const labels = domain.toLowerCase().replace(/\.$/, "").split(".");
  for (let i = 0; i < labels.length; i++) {
    const urls = table.get(labels.slice(i).join("."));
    if (urls) return urls.find((u) => u.toLowerCase().startsWith("https:")) ?? urls[0];
  }
  return null;
}

/** Fetches a bootstrap file's text (the probe passes its capped, timed HTTP client). */
export type FetchBootstrap = (url: string) => Promise<string>;

interface CachedTable {
  table: BootstrapTable;
  fetchedAt: number;
}

/**
 * The bootstrap tables by URL, each kept for BOOTSTRAP_TTL_MS. Checks that start together share
 * one download. When a refresh fails, the previous table is used (the mapping of TLDs to servers
 * rarely changes, and a failed download of IANA's file says nothing about the domain); without
 * one, the error goes to the check.
 */
export class BootstrapCache {
  private readonly tables = new Map<string, CachedTable>();
  private readonly inFlight = new Map<string, Promise<BootstrapTable>>();

  constructor(private readonly now: () => number = Date.now) {}

  async table(url: string, fetchText: FetchBootstrap): Promise<{ table: BootstrapTable; stale: boolean }> {
    const cached = this.tables.get(url);
    if (cached && this.now() - cached.fetchedAt < BOOTSTRAP_TTL_MS) return { table: cached.table, stale: false };
    let pending = this.inFlight.get(url);
    if (!pending) {
      pending = fetchText(url).then((text) => {
        const table = parseBootstrap(text);
        this.tables.set(url, { table, fetchedAt: this.now() });
        return table;
      });
      const settled = () => this.inFlight.delete(url);
      pending.then(settled, settled);
      this.inFlight.set(url, pending);
    }
    try {
      return { table: await pending, stale: false };
    } catch (err) {
      if (cached) return { table: cached.table, stale: true };
      throw err;
    }
  }

  clear(): void {
    this.tables.clear();
  }
}

export const sharedBootstrapCache = new BootstrapCache();
