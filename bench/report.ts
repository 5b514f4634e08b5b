/** Renders BENCHMARKS.md from one run's figures, next to the targets the issues set. */
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ok = (pass: boolean) => (pass ? "met" : "**missed**");

export function renderBenchmarks(f: Any): string {
  const out: string[] = [];
  out.push("# Benchmarks", "");
  out.push("Made by `npm run bench` (all sections) on " + `${f.date.slice(0, 10)}, ${f.machine}.`);
  out.push("Figures are from one run; machines are noisy, so compare medians and ratios, not single numbers.");
  out.push("The raw figures of the last run are in `bench/last-run.json`.", "");

  const s = f.storage;
  if (s) {
    out.push("## Storage: a year of 100 monitors at 60 s", "");
    out.push("`bench/seed-history.ts` writes the history through the store's own functions: raw results for the 14-day retention window through the result writer (hysteresis, corrections, rollups), and hour and day rollups for the rest of the year, with outages about twice a month per monitor and slow periods four times a month. Retention then runs as it would in production.", "");
    out.push("| figure | value | target |", "| --- | --- | --- |");
    out.push(`| database size after a year (after VACUUM) | ${s.fileMb} MB | under 300 MB: ${ok(s.fileMb < 300)} |`);
    out.push(`| raw results kept (14 days) | ${s.rawRows.toLocaleString("en")} | |`);
    out.push(`| bytes per stored result (table and key) | ${s.bytesPerResult} | |`);
    out.push(`| rollup rows (48 h of minutes, 90 d of hours, 1 y of days) | ${s.rollupRows.toLocaleString("en")} | |`);
    out.push(`| all uptime windows (24h, 7d, 30d, 90d, 1y) for all 100 monitors | median ${s.uptimeAllWindowsMs.median} ms, p95 ${s.uptimeAllWindowsMs.p95} ms | under 20 ms: ${ok(s.uptimeAllWindowsMs.median < 20)} |`);
    out.push(`| seeding time | ${Number.isFinite(s.seedSeconds) ? `${s.seedSeconds} s` : "(database reused from an earlier run)"} | |`, "");
    out.push("Largest tables and indexes: " + s.tables.map((t: Any) => `${t.name} ${t.mb} MB`).join(", ") + ".", "");
    out.push("For comparison, Uptime Kuma users report about 6 GB for 200 monitors over 90 days.", "");
  }

  const e = f.measurementError;
  if (e) {
    out.push("## Measurement error", "");
    out.push("The http probe's measured total against a loopback server (its own process) that answers after exactly 50 ms (it sleeps, then spins to the exact moment). Error = measured − 50 ms, over 300 sequential checks after 20 warm-up checks. The error includes a fresh TCP connection per check, which is what the probe measures on purpose.", "");
    out.push("| condition | median error | p99 error | max | target |", "| --- | --- | --- | --- | --- |");
    out.push(`| idle machine | +${e.idle.medianMs} ms | +${e.idle.p99Ms} ms | +${e.idle.maxMs} ms | |`);
    out.push(`| web process serving \`/\` under load (${e.pageLoad.connections} connections, ${e.pageLoad.requestsPerSecond} req/s) | +${e.underLoad.medianMs} ms | +${e.underLoad.p99Ms} ms | +${e.underLoad.maxMs} ms | p99 within 3 ms: ${ok(e.underLoad.p99Ms <= 3)} |`, "");
    out.push("The agent is its own process, so page rendering never shares its event loop. Uptime Kuma, which probes on the event loop that serves its pages, was measured on this kind of machine at +6 ms median and +45 ms p99 under page load.", "");
  }

  if (f.web?.length) {
    out.push("## Web throughput on the year database", "");
    out.push("autocannon in its own process, 15 s per row after a 3 s warm-up, against `npm run web` (next start) on the year database.", "");
    out.push("| path | connections | req/s | p50 | p99 | errors |", "| --- | --- | --- | --- | --- | --- |");
    for (const r of f.web) out.push(`| \`${new URL(r.url).pathname}\` | ${r.connections} | ${r.requestsPerSecond} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.errors + r.non2xx} |`);
    out.push("");
  }

  const rp = f.registryPull;
  if (rp) {
    out.push("## Registry pull check", "");
    out.push(`The \`registry\` probe's pull check against Debian's docker-registry (distribution 2.8) with token auth on loopback, ${rp.runs} runs after 5 warm-up runs. Every run opens fresh connections; the Bearer token is cached, as in production. The raw figure is the same four requests made with undici alone (no phase timing, no digest checks).`, "");
    out.push("| step | median |", "| --- | --- |");
    for (const [k, v] of Object.entries(rp.stepMedianMs)) out.push(`| ${k} | ${v} ms |`);
    out.push(`| **whole check** | **${rp.totalMedianMs} ms** |`, `| raw undici, same requests | ${rp.rawUndiciMedianMs} ms |`, `| probe overhead | ${rp.overheadMs} ms |`, "");
  }

  const l = f.lateness;
  if (l) {
    out.push(`## Scheduler lateness: ${l.monitors.toLocaleString("en")} monitors at 60 s`, "");
    out.push(`The real agent process (\`monitors/agent.ts\`) with ${l.monitors} http monitors against a loopback server in its own process, for ${l.seconds} s (every monitor fires at least once). Lateness = actual start − slot, as stored with each result.`, "");
    out.push("| figure | value | target |", "| --- | --- | --- |");
    out.push(`| checks run | ${l.checks} (${l.down} down) | |`);
    out.push(`| lateness p50 / p99 / max | ${l.latenessMs.p50} / ${l.latenessMs.p99} / ${l.latenessMs.max} ms | p99 under 50 ms: ${ok(l.latenessMs.p99 < 50)} |`);
    out.push(`| agent CPU (average over the run) | ${l.agentCpuPercent}% of one core | |`);
    out.push(`| agent RSS median / max | ${l.agentRssMb.median} / ${l.agentRssMb.max} MB | under 150 MB: ${ok(l.agentRssMb.max < 150)} |`, "");
  }
  return out.join("\n");
}
