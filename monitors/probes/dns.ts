import { Resolver } from "node:dns/promises";
import { performance } from "node:perf_hooks";
import type { DnsMonitorSpec } from "./kinds/dns";
import { failure, type ProbeContext } from "./types";
import type { ProbeResult } from "../core/probe-result";

const DNS_ERRORS: Record<string, string> = {
  ENOTFOUND: "NXDOMAIN (name not found)",
  ENODATA: "no records of that type (NODATA)",
  ESERVFAIL: "SERVFAIL from the resolver",
  EREFUSED: "the resolver refused the query (REFUSED)",
  ECONNREFUSED: "the resolver is not reachable (connection refused)",
  EBADRESP: "malformed answer from the resolver",
  ETIMEOUT: "timeout",
};

function normalize(answer: unknown): string {
  if (typeof answer === "string") return answer.toLowerCase().replace(/\.$/, "");
  if (Array.isArray(answer)) return answer.join("");
  const a = answer as Record<string, unknown>;
  if ("exchange" in a) return `${a.priority} ${normalize(a.exchange)}`;
  if ("port" in a && "name" in a) return `${a.priority} ${a.weight} ${a.port} ${normalize(a.name)}`;
  if ("critical" in a) {
    const tag = Object.keys(a).find((k) => k !== "critical")!;
    return `${a.critical} ${tag} ${a[tag]}`;
  }
  return JSON.stringify(a);
}

function normalizeExpected(v: string): string {
  return v.trim().toLowerCase().replace(/\.$/, "");
}

export async function probeDns(spec: DnsMonitorSpec, ctx: ProbeContext): Promise<ProbeResult> {
  const started = performance.now();
  const resolver = new Resolver({ timeout: ctx.timeoutMs, tries: 1 });
  if (spec.resolver) resolver.setServers([spec.resolver]);
  const onAbort = () => resolver.cancel();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const raw = (await resolver.resolve(spec.query, spec.record)) as unknown[];
    const totalMs = performance.now() - started;
    const answers = raw.map(normalize).sort();
    const phases = { dnsMs: totalMs, totalMs };
    const details = { record: spec.record, answers: answers.slice(0, 20) };
    if (answers.length < spec.expect.min_answers) {
      return failure("dns", `${answers.length} ${spec.record} answers, expected at least ${spec.expect.min_answers}`, phases, details);
    }
    const missing = (spec.expect.includes ?? []).map(normalizeExpected).filter((v) => !answers.includes(v));
    if (missing.length) return failure("assertion", `answer lacks ${missing.join(", ")}`, phases, details);
    if (spec.expect.equals) {
      const want = spec.expect.equals.map(normalizeExpected).sort();
      if (want.join("|") !== answers.join("|"))
        return failure("assertion", `answers are ${answers.join(", ")}, expected ${want.join(", ")}`, phases, details);
    }
    if (spec.degraded_after !== undefined && totalMs > spec.degraded_after) {
      return { status: "degraded", phases, details, error: `slow answer: ${Math.round(totalMs)} ms` };
    }
    return { status: "up", phases, details };
  } catch (err) {
    const totalMs = performance.now() - started;
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const timedOut = ctx.signal.aborted || code === "ETIMEOUT" || code === "ECANCELLED";
    return failure(
      timedOut ? "timeout" : "dns",
      timedOut ? "timeout" : `DNS ${DNS_ERRORS[code] ?? code}`,
      { totalMs },
      { record: spec.record },
    );
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
}
