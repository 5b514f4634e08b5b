/**
 * Scheduler lateness: the real agent process (the bundle `npm start` runs) with N monitors at a 60 s interval against a
 * loopback HTTP target (in its own process), for one full interval and a bit.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { freshDb, median, processUsage, quantile, round, startBundledAgent, WORK_DIR, writeHttpMonitorsConfig } from "./util";

const TARGET_SERVER = `
const http = require("node:http");
const s = http.createServer((req, res) => res.end("ok"));
s.keepAliveTimeout = 1000;
s.listen(0, "127.0.0.1", () => process.stdout.write(String(s.address().port) + "\\n"));
`;

export async function benchLateness(opts: { monitors?: number; seconds?: number } = {}) {
  const n = opts.monitors ?? 2000;
  const seconds = opts.seconds ?? 75;
  const target = spawn(process.execPath, ["-e", TARGET_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => target.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
  const { db, url } = await freshDb("lateness");
  const config = join(WORK_DIR, "lateness.yaml");
  writeHttpMonitorsConfig(config, n, port);
  // The production entry point, as `npm start` runs it.
  const agent = await startBundledAgent(url, config);
  const startUsage = await processUsage(agent.pid!);
  const rss: number[] = [];
  const startedAt = Date.now();
  while (Date.now() - startedAt < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    rss.push((await processUsage(agent.pid!)).rssMb);
  }
  const endUsage = await processUsage(agent.pid!);
  const exited = new Promise((r) => agent.on("exit", r));
  agent.kill("SIGTERM");
  await exited;
  target.kill();

  const rows = await db.checkResult.findMany({ select: { latenessMs: true, status: true } });
  await db.$disconnect();
  const lateness = rows.map((r) => r.latenessMs);
  const cpuSeconds = endUsage.cpuSeconds - startUsage.cpuSeconds;
  return {
    monitors: n,
    seconds,
    checks: rows.length,
    down: rows.filter((r) => r.status === "down").length,
    latenessMs: { p50: round(median(lateness)), p99: round(quantile(lateness, 0.99)), max: round(Math.max(...lateness)) },
    agentCpuPercent: round((cpuSeconds / seconds) * 100, 1),
    agentRssMb: { median: round(median(rss), 0), max: round(Math.max(...rss), 0) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    JSON.stringify(await benchLateness({ monitors: Number(process.argv[2] ?? 2000), seconds: Number(process.argv[3] ?? 75) }), null, 2),
  );
}
