import { performance } from "node:perf_hooks";
import type { DomainMonitorSpec } from "../kinds/domain";
import { classifyError } from "../classify-error";
import { header, StepHttpClient } from "../http-client";
import type { HttpProbeOptions } from "../http";
import { retryAfterMs, ThrottleBook } from "../registry/throttle";
import type { ProbeContext } from "../types";
import type { ErrorClass, Phases, ProbeResult } from "../../core/probe-result";
import { type BootstrapCache, BootstrapError, IANA_DNS_BOOTSTRAP_URL, rdapBaseFor, sharedBootstrapCache } from "./bootstrap";
import { rdapDomainName } from "./domain-name";
import { readDomainRecord } from "./domain-record";
import { expiryLevel, wholeDays } from "./expiry-level";
import { RdapRedirectError, rdapGet } from "./rdap-get";

/** RDAP domain answers are a few kilobytes; IANA's bootstrap file is about 40 KB. */
export const MAX_RDAP_BYTES = 512 * 1024;
const MAX_BOOTSTRAP_BYTES = 2 * 1024 * 1024;

/**
 * Statuses (RFC 8056's EPP mapping) that mean the domain no longer works, whatever its expiry
 * date says: it lapsed and awaits deletion, or the registry took it out of DNS.
 */
const DOWN_STATUSES: Record<string, string> = {
  "redemption period": "the registration lapsed and is in its redemption period",
  "pending delete": "the registry is about to delete the domain",
  "client hold": "the registrar took the domain out of DNS",
  "server hold": "the registry took the domain out of DNS",
};

/** Shared by every domain monitor: an RDAP server's 429 holds further queries to it until its Retry-After. */
export const sharedRdapThrottle = new ThrottleBook();

export interface DomainProbeDeps {
  bootstrap: BootstrapCache;
  throttle: ThrottleBook;
  now: () => number;
}

const defaultDeps: DomainProbeDeps = { bootstrap: sharedBootstrapCache, throttle: sharedRdapThrottle, now: Date.now };

const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;

/**
 * A domain's registration read over RDAP (RFC 9082 query, RFC 9083 answer), its server found
 * through IANA's bootstrap file (RFC 9224) unless the monitor names one. Up while the expiry is
 * more than expiry_warn_days away, degraded within them, down once expired or in a status that
 * means the domain no longer resolves.
 */
export async function probeDomain(
  spec: DomainMonitorSpec,
  ctx: ProbeContext,
  opts: HttpProbeOptions = {},
  deps: DomainProbeDeps = defaultDeps,
): Promise<ProbeResult> {
  const started = performance.now();
  const http = new StepHttpClient({ signal: ctx.signal, timeoutMs: ctx.timeoutMs, tlsVerify: true, ca: opts.ca });
  const details: Record<string, unknown> = {};
  let phases: Phases = { totalMs: 0 };
  const result = (status: "up" | "degraded" | "down", errorClass?: ErrorClass, error?: string): ProbeResult => ({
    status,
    phases: { ...phases, totalMs: performance.now() - started },
    details,
    ...(errorClass ? { errorClass } : {}),
    ...(error ? { error } : {}),
  });
  // The schema checked the name; rdapDomainName only normalises it here.
  const domain = rdapDomainName(spec.domain) ?? spec.domain.toLowerCase();
  let step = "RDAP query";
  try {
    let base = spec.rdap_url ?? null;
    if (!base) {
      step = "RDAP bootstrap";
      const bootstrapUrl = ctx.env.RDAP_BOOTSTRAP_URL?.trim() || IANA_DNS_BOOTSTRAP_URL;
      if (!/^https?:\/\/[^/]/i.test(bootstrapUrl) || !URL.canParse(bootstrapUrl))
        return result(
          "down",
          "config",
          `RDAP_BOOTSTRAP_URL must be an http or https URL, got ${JSON.stringify(bootstrapUrl.slice(0, 120))}`,
        );
      const { table, stale } = await deps.bootstrap.table(bootstrapUrl, async (url) => {
        const r = await rdapGet(http, new URL(url), ctx.userAgent, MAX_BOOTSTRAP_BYTES);
        if (r.status !== 200) throw new BootstrapError(`bootstrap file ${url} answered ${r.status}`);
        if (r.truncated) throw new BootstrapError(`bootstrap file ${url} is larger than ${MAX_BOOTSTRAP_BYTES} bytes`);
        return r.body.toString("utf8");
      });
      if (stale) details.bootstrapStale = true;
      base = rdapBaseFor(table, domain);
      if (!base) return result("down", "config", `no RDAP server for ${domain} in the bootstrap file ${bootstrapUrl}; set rdap_url`);
      step = "RDAP query";
    }
    const queryUrl = new URL(`domain/${domain}`, base.endsWith("/") ? base : `${base}/`);
    details.rdapServer = queryUrl.origin;

    const waitUntil = deps.throttle.waitUntil(queryUrl.origin, deps.now());
    if (waitUntil !== null)
      return result(
        "degraded",
        "http_status",
        `RDAP server ${queryUrl.host} asked us to wait (429) until ${new Date(waitUntil).toISOString()}; not asked again before then, the domain's state is unknown`,
      );

    const r = await rdapGet(http, queryUrl, ctx.userAgent, MAX_RDAP_BYTES);
    phases = r.phases;
    details.httpStatus = r.status;
    if (r.redirects) details.redirects = r.redirects;
    if (r.status === 429) {
      const waitMs = retryAfterMs(header(r.headers, "retry-after"), deps.now());
      if (waitMs) deps.throttle.throttle(queryUrl.origin, waitMs, deps.now());
      // A rate limit says nothing about the domain: degraded, named, never down.
      return result(
        "degraded",
        "http_status",
        `RDAP server ${r.url.host} rate-limited the query (429${waitMs ? `, retry after ${Math.ceil(waitMs / 1000)} s` : ""}); the domain's state is unknown`,
      );
    }
    if (r.status === 404)
      return result("down", "http_status", `domain not found: the RDAP server answered 404 for ${domain} (not registered, or deleted)`);
    if (r.status !== 200) return result("down", "http_status", `RDAP server ${r.url.host} answered ${r.status}`);
    if (r.truncated) return result("down", "protocol", `RDAP answer is larger than ${MAX_RDAP_BYTES} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(r.body.toString("utf8"));
    } catch (e) {
      return result("down", "protocol", `RDAP answer is not valid JSON (${(e as Error).message.slice(0, 100)})`);
    }
    const read = readDomainRecord(json);
    if (!read.ok) return result("down", "protocol", `RDAP answer: ${read.problem}`);
    const rec = read.record;
    if (rec.ldhName && rdapDomainName(rec.ldhName) !== domain)
      return result("down", "protocol", `RDAP answer is for ${rec.ldhName.slice(0, 100)}, not ${domain}`);

    details.domainStatus = rec.status.slice(0, 20);
    if (rec.registeredAt) details.registeredAt = rec.registeredAt.toISOString();
    if (rec.lastChangedAt) details.lastChangedAt = rec.lastChangedAt.toISOString();
    const now = deps.now();
    if (rec.expiresAt) {
      details.expiresAt = rec.expiresAt.toISOString();
      details.daysLeft = wholeDays(rec.expiresAt.getTime() - now);
    }

    const fatal = rec.status.find((s) => s in DOWN_STATUSES);
    if (fatal) return result("down", "assertion", `domain status is "${fatal}": ${DOWN_STATUSES[fatal]}`);
    if (!rec.expiresAt)
      // Some registries (DENIC for .de, for one) publish no expiry by policy: the domain may be
      // fine, but its expiry cannot be watched, which is worth a look and not worth a page.
      return result("degraded", "protocol", "RDAP answer has no expiration event: the expiry date cannot be watched");
    const leftMs = rec.expiresAt.getTime() - now;
    const daysLeft = details.daysLeft as number;
    const level = expiryLevel(leftMs, spec.expiry_warn_days);
    if (level === "expired") return result("down", "assertion", `domain expired on ${isoDate(rec.expiresAt)} (${days(-daysLeft)} ago)`);
    if (level === "warn")
      return result(
        "degraded",
        "assertion",
        `domain expires on ${isoDate(rec.expiresAt)}, in ${days(daysLeft)} (warning from ${days(spec.expiry_warn_days)})`,
      );
    return result("up");
  } catch (err) {
    if (err instanceof BootstrapError) return result("down", "protocol", `${step}: ${err.message}`);
    if (err instanceof RdapRedirectError) return result("down", "protocol", `${step}: ${err.message}`);
    const { errorClass, error } = classifyError(err, ctx.signal.aborted);
    return result("down", errorClass, `${step}: ${error}`);
  } finally {
    http.close();
  }
}
