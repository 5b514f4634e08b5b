/**
 * Measurement error: the http probe's total time against a loopback server that answers
 * after exactly 50 ms, idle and while the web process serves the status page under load.
 */
import { get } from "node:http";
import { runProbe } from "../monitors/probes/run-probe";
import { parseConfig } from "../monitors/config/load";
import { median, quantile, round } from "./util";
import { DELAY_MS, startDelayServer } from "./delay-server";

/** A bare Node request on a fresh connection: what any client measures for the same round trip. */
function referenceRequest(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    get({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(performance.now() - t0));
    }).on("error", reject);
  });
}

export interface ErrorFigures {
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  /** The same figures for a bare Node request, interleaved with the probe's. */
  reference: { medianMs: number; p99Ms: number };
  /** Median of (probe − reference) over the paired samples: what the probe itself adds. */
  probeOverReferenceMs: number;
}

export async function measureProbeError(samples = 300): Promise<ErrorFigures> {
  const server = await startDelayServer();
  const def = parseConfig(
    JSON.stringify({ monitors: [{ slug: "delay", name: "Delay", kind: "http", url: `http://127.0.0.1:${server.port}/`, timeout: "5s" }] }),
    "bench.yaml",
    {},
  ).monitors[0];
  const errors: number[] = [];
  const reference: number[] = [];
  const paired: number[] = [];
  for (let i = 0; i < 20; i++) await runProbe(def); // warm up
  for (let i = 0; i < samples; i++) {
    const r = await runProbe(def);
    if (r.status !== "up") throw new Error(`probe failed: ${r.error}`);
    const ref = (await referenceRequest(server.port)) - DELAY_MS;
    errors.push(r.phases.totalMs - DELAY_MS);
    reference.push(ref);
    paired.push(r.phases.totalMs - DELAY_MS - ref);
  }
  server.child.kill();
  return {
    medianMs: round(median(errors)),
    p99Ms: round(quantile(errors, 0.99)),
    maxMs: round(Math.max(...errors)),
    reference: { medianMs: round(median(reference)), p99Ms: round(quantile(reference, 0.99)) },
    probeOverReferenceMs: round(median(paired)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureProbeError(Number(process.argv[2] ?? 300)), null, 2));
}
