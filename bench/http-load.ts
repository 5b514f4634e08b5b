import { spawn } from "node:child_process";
import { setPriority } from "node:os";
import { join } from "node:path";

export interface LoadResult {
  url: string;
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/** Runs autocannon as its own process, so the load generator never shares a core's event loop with what it measures. */
export function httpLoad(url: string, connections: number, seconds: number, extraArgs: string[] = []): Promise<LoadResult> {
  const bin = join(process.cwd(), "node_modules", "autocannon", "autocannon.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "-c", String(connections), "-d", String(seconds), "--json", ...extraArgs, url], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    // The load stands in for traffic from other machines: on this two-core box it runs at low
    // priority, so it does not take the measured processes' CPU more than real traffic would.
    try {
      setPriority(child.pid!, 10);
    } catch {
      // not allowed: leave it
    }
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`autocannon failed (${code}): ${err}`));
      const r = JSON.parse(out);
      resolve({
        url,
        connections,
        seconds,
        requestsPerSecond: Math.round(r.requests.average),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
      });
    });
  });
}
