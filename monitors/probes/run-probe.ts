import { redactSecrets, secretForms, type Env } from "../config/secrets";
import { probeUserAgent } from "./user-agent";
import type { MonitorDefinition } from "../config/load";
import { probeDns } from "./dns";
import { probeHttp, type HttpProbeOptions } from "./http";
import { probeTcp } from "./tcp";
import { probeRegistry } from "./registry/registry-probe";
import { probeSkynet } from "./skynet";
import { probeIpfs } from "./ipfs";
import { probeS3 } from "./s3/s3-probe";
import { failure, type ProbeContext, type ProbeResult } from "./types";

/** Extra time a probe gets past its timeout to report, before the runner gives up on it. */
const GRACE_MS = 1000;

export interface RunProbeOptions extends HttpProbeOptions {
  /** Aborts every in-flight probe (agent shutdown). */
  shutdown?: AbortSignal;
  env?: Env;
  /** The agent's region, named in the probes' User-Agent. */
  region?: string;
}

function dispatch(def: MonitorDefinition, ctx: ProbeContext, opts: RunProbeOptions): Promise<ProbeResult> {
  const spec = def.spec;
  switch (spec.kind) {
    case "http":
      return probeHttp(spec, ctx, opts);
    case "tcp":
      return probeTcp(spec, ctx);
    case "dns":
      return probeDns(spec, ctx);
    case "registry":
      return probeRegistry(spec, ctx, opts);
    case "skynet":
      return probeSkynet(spec, ctx, opts);
    case "ipfs":
      return probeIpfs(spec, ctx, opts);
    case "s3":
      return probeS3(spec, ctx, opts);
  }
}

/**
 * A target (or a proxy before it) may echo the request's credentials in its error text, which
 * then would be stored, logged and perhaps shown: every form of the monitor's secrets is cut
 * from the error and the details before the result leaves the probe.
 */
const formsByDef = new WeakMap<MonitorDefinition, string[]>();

function withoutSecrets(result: ProbeResult, def: MonitorDefinition, env: Env): ProbeResult {
  let forms = formsByDef.get(def);
  if (!forms) formsByDef.set(def, (forms = secretForms(def.spec, env)));
  if (!forms.length) return result;
  const json = JSON.stringify(result.details);
  const jsonForms = forms.map((f) => JSON.stringify(f).slice(1, -1));
  const details = jsonForms.some((f) => json.includes(f)) ? (JSON.parse(redactSecrets(json, jsonForms)) as Record<string, unknown>) : result.details;
  return { ...result, ...(result.error ? { error: redactSecrets(result.error, forms) } : {}), details };
}

/**
 * Runs one check with its timeout. Never throws: a bug in a probe becomes a down
 * result of class "internal", so the scheduler keeps its rhythm.
 */
export async function runProbe(def: MonitorDefinition, opts: RunProbeOptions = {}): Promise<ProbeResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), def.timeoutMs);
  const onShutdown = () => controller.abort();
  opts.shutdown?.addEventListener("abort", onShutdown, { once: true });
  const started = performance.now();
  let guard: NodeJS.Timeout | undefined;
  try {
    const ctx: ProbeContext = { signal: controller.signal, timeoutMs: def.timeoutMs, env: opts.env ?? process.env, userAgent: probeUserAgent(opts.region) };
    const hardStop = new Promise<ProbeResult>((resolve) => {
      guard = setTimeout(() => resolve(failure("timeout", "timeout", { totalMs: performance.now() - started })), def.timeoutMs + GRACE_MS);
    });
    return withoutSecrets(await Promise.race([dispatch(def, ctx, opts), hardStop]), def, ctx.env);
  } catch (err) {
    return withoutSecrets(failure("internal", `probe failed: ${(err as Error)?.message ?? String(err)}`.slice(0, 300), { totalMs: performance.now() - started }), def, opts.env ?? process.env);
  } finally {
    clearTimeout(timer);
    clearTimeout(guard);
    opts.shutdown?.removeEventListener("abort", onShutdown);
  }
}
