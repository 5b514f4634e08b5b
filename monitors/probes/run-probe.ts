import type { Env } from "../config/secrets";
import type { MonitorDefinition } from "../config/load";
import { probeDns } from "./dns";
import { probeHttp, type HttpProbeOptions } from "./http";
import { probeTcp } from "./tcp";
import { failure, type ProbeContext, type ProbeResult } from "./types";

/** Extra time a probe gets past its timeout to report, before the runner gives up on it. */
const GRACE_MS = 1000;

export interface RunProbeOptions extends HttpProbeOptions {
  /** Aborts every in-flight probe (agent shutdown). */
  shutdown?: AbortSignal;
  env?: Env;
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
  }
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
    const ctx: ProbeContext = { signal: controller.signal, timeoutMs: def.timeoutMs, env: opts.env ?? process.env };
    const hardStop = new Promise<ProbeResult>((resolve) => {
      guard = setTimeout(() => resolve(failure("timeout", "timeout", { totalMs: performance.now() - started })), def.timeoutMs + GRACE_MS);
    });
    return await Promise.race([dispatch(def, ctx, opts), hardStop]);
  } catch (err) {
    return failure("internal", `probe failed: ${(err as Error)?.message ?? String(err)}`.slice(0, 300), { totalMs: performance.now() - started });
  } finally {
    clearTimeout(timer);
    clearTimeout(guard);
    opts.shutdown?.removeEventListener("abort", onShutdown);
  }
}
