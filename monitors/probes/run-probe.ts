import type { Env } from "../core/env";
import { probeUserAgent } from "./user-agent";
import type { HttpProbeOptions } from "./http";
import { probeKindOf, type MonitorSpec } from "./kinds";
import { redactSecrets, secretForms } from "./secret-forms";
import { failure, type ProbeContext } from "./types";
import type { ProbeResult } from "../core/probe-result";
import { STORED_ERROR_CHARS } from "../core/error-text";

/** Extra time a probe gets past its timeout to report, before the runner gives up on it. */
const GRACE_MS = 1000;

export interface RunProbeOptions extends HttpProbeOptions {
  /** Aborts every in-flight probe (agent shutdown). */
  shutdown?: AbortSignal;
  env?: Env;
  /** The agent's region, named in the probes' User-Agent. */
  region?: string;
}

/** What runProbe needs of a monitor (a MonitorDefinition has it). */
export interface ProbeTarget {
  spec: MonitorSpec;
  timeoutMs: number;
}

function dispatch(def: ProbeTarget, ctx: ProbeContext, opts: RunProbeOptions): Promise<ProbeResult> {
  const kind = probeKindOf(def.spec);
  if (!kind) throw new Error(`unknown probe kind ${JSON.stringify(def.spec.kind)}`);
  return kind.run(def.spec, ctx, opts);
}

/**
 * A target (or a proxy before it) may echo the request's credentials in its error text, which
 * then would be stored, logged and perhaps shown: every form of the monitor's secrets is cut
 * from the error and the details before the result leaves the probe.
 */
const formsByDef = new WeakMap<ProbeTarget, string[]>();

function withoutSecrets(result: ProbeResult, def: ProbeTarget, env: Env): ProbeResult {
  let forms = formsByDef.get(def);
  if (!forms) {
    forms = secretForms(def.spec, env);
    formsByDef.set(def, forms);
  }
  if (!forms.length) return result;
  const json = JSON.stringify(result.details);
  const jsonForms = forms.map((f) => JSON.stringify(f).slice(1, -1));
  const details = jsonForms.some((f) => json.includes(f))
    ? (JSON.parse(redactSecrets(json, jsonForms)) as Record<string, unknown>)
    : result.details;
  return { ...result, ...(result.error ? { error: redactSecrets(result.error, forms) } : {}), details };
}

/**
 * Runs one check with its timeout. Never throws: a bug in a probe becomes a down
 * result of class "internal", so the scheduler keeps its rhythm.
 */
export async function runProbe(def: ProbeTarget, opts: RunProbeOptions = {}): Promise<ProbeResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), def.timeoutMs);
  const onShutdown = () => controller.abort();
  opts.shutdown?.addEventListener("abort", onShutdown, { once: true });
  const started = performance.now();
  let guard: NodeJS.Timeout | undefined;
  try {
    const ctx: ProbeContext = {
      signal: controller.signal,
      timeoutMs: def.timeoutMs,
      env: opts.env ?? process.env,
      userAgent: probeUserAgent(opts.region),
    };
    const hardStop = new Promise<ProbeResult>((resolve) => {
      guard = setTimeout(() => resolve(failure("timeout", "timeout", { totalMs: performance.now() - started })), def.timeoutMs + GRACE_MS);
    });
    return withoutSecrets(await Promise.race([dispatch(def, ctx, opts), hardStop]), def, ctx.env);
  } catch (err) {
    return withoutSecrets(
      failure("internal", `probe failed: ${(err as Error)?.message ?? String(err)}`.slice(0, STORED_ERROR_CHARS), {
        totalMs: performance.now() - started,
      }),
      def,
      opts.env ?? process.env,
    );
  } finally {
    clearTimeout(timer);
    clearTimeout(guard);
    opts.shutdown?.removeEventListener("abort", onShutdown);
  }
}
