/** Renders BENCHMARKS.md from one run's figures, next to the targets the issues set. */
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ok = (pass: boolean) => (pass ? "met" : "**missed**");
const round2 = (v: number) => Number(v.toFixed(2));

export function renderBenchmarks(f: Any): string {
  const out: string[] = [];
  out.push("# Benchmarks", "");
  out.push(`Made by \`npm run bench\` on ${f.machine}. Where the figures of each section come from:`, "");
  const runs: Record<string, string> = f.sectionRuns ?? {};
  for (const [name, run] of Object.entries(runs)) out.push(`- ${name}: \`${run.split(" on ")[0]}\` on ${run.split(" on ")[1]}`);
  out.push("");
  out.push("Figures are from one run; machines are noisy, so compare medians and ratios, not single numbers.");
  out.push("The raw figures of the last run are in `bench/last-run.json`.", "");

  const s = f.storage;
  if (s) {
    out.push("## Storage: a year of 100 monitors at 60 s", "");
    out.push(
      "`bench/seed-history.ts` writes the history through the store's own functions: raw results for the 14-day retention window through the result writer (hysteresis, corrections, rollups), and hour and day rollups for the rest of the year, with outages about twice a month per monitor and slow periods four times a month. Retention then runs as it would in production.",
      "",
    );
    out.push("| figure | value | target |", "| --- | --- | --- |");
    out.push(`| database size after a year (after VACUUM) | ${s.fileMb} MB | under 300 MB: ${ok(s.fileMb < 300)} |`);
    out.push(`| raw results kept (14 days) | ${s.rawRows.toLocaleString("en")} | |`);
    out.push(`| bytes per stored result (table and key) | ${s.bytesPerResult} | |`);
    out.push(`| rollup rows (48 h of minutes, 90 d of hours, 1 y of days) | ${s.rollupRows.toLocaleString("en")} | |`);
    out.push(
      `| all uptime windows (24h, 7d, 30d, 90d, 1y) for all 100 monitors | median ${s.uptimeAllWindowsMs.median} ms, p95 ${s.uptimeAllWindowsMs.p95} ms | under 20 ms: ${ok(s.uptimeAllWindowsMs.median < 20)} |`,
    );
    out.push(`| seeding time | ${Number.isFinite(s.seedSeconds) ? `${s.seedSeconds} s` : "(database reused from an earlier run)"} | |`, "");
    out.push(`Largest tables and indexes: ${s.tables.map((t: Any) => `${t.name} ${t.mb} MB`).join(", ")}.`, "");
    out.push("For comparison, Uptime Kuma users report about 6 GB for 200 monitors over 90 days.", "");
  }

  const e = f.measurementError;
  if (e) {
    out.push("## Measurement error", "");
    out.push(
      "The http probe's measured total against a loopback server (its own process) that answers after exactly 50 ms (it sleeps, then spins to the exact moment). Error = measured − 50 ms, over 300 sequential checks after 20 warm-up checks. The error includes a fresh TCP connection per check, which is what the probe measures on purpose.",
      "",
    );
    out.push(
      "Each probe sample is followed by the same request from a bare Node client (`http.get` on a fresh connection), so the table also shows what any client measures on this machine, and what the probe adds to it.",
      "",
    );
    out.push(
      "| condition | median error | p99 error | max | bare client: median / p99 | probe minus bare client (median of pairs) | target |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    const ref = (x: Any) => (x.reference ? `+${x.reference.medianMs} / +${x.reference.p99Ms} ms` : "–");
    const over = (x: Any) =>
      x.probeOverReferenceMs !== undefined ? `${x.probeOverReferenceMs >= 0 ? "+" : ""}${x.probeOverReferenceMs} ms` : "–";
    out.push(`| idle machine | +${e.idle.medianMs} ms | +${e.idle.p99Ms} ms | +${e.idle.maxMs} ms | ${ref(e.idle)} | ${over(e.idle)} | |`);
    out.push(
      `| web process serving \`/\` under load (${e.pageLoad.connections} connections, ${e.pageLoad.requestsPerSecond} req/s) | +${e.underLoad.medianMs} ms | +${e.underLoad.p99Ms} ms | +${e.underLoad.maxMs} ms | ${ref(e.underLoad)} | ${over(e.underLoad)} | p99 within 3 ms: ${ok(e.underLoad.p99Ms <= 3)} |`,
      "",
    );
    out.push(
      "The 3 ms p99 target is not met on this two-core machine, and the bare client column says why: a plain Node request on a fresh loopback connection shows the same spread, so the tail comes from the machine (connection setup, scheduling with the web process and the load generator on two cores), not from the probe, which adds about half a millisecond to the median. On the same machine the agent's own lateness p99 stays around 20 ms with 2,000 monitors (below).",
      "",
    );
    out.push(
      "The agent is its own process, so page rendering never shares its event loop. Uptime Kuma, which probes on the event loop that serves its pages, was measured on this kind of machine at +6 ms median and +45 ms p99 under page load.",
      "",
    );
  }

  if (f.web?.length) {
    out.push("## Web throughput on the year database", "");
    out.push(
      "autocannon in its own process (at low CPU priority, standing in for traffic from other machines), 15 s per row after a 3 s warm-up, against `npm run web` on the year database: Next.js behind the web process's 1 s micro-cache, then with the micro-cache off (`MICRO_CACHE_MS=0`), where Next.js's own page cache (ISR, 4 s) and the app's 3–5 s data caches answer.",
      "",
    );
    out.push(
      "| path | micro-cache | connections | req/s | p50 | p99 | errors | target |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    const target = (path: string, r: Any) => {
      if (r.microCache === false) return "";
      if (path === "/")
        return r.connections === 10
          ? `p50 under 30 ms, over 300 req/s: ${ok(r.p50Ms < 30 && r.requestsPerSecond > 300)}`
          : `over 300 req/s: ${ok(r.requestsPerSecond > 300)}`;
      if (path.endsWith("summary.json")) return `over 1,000 req/s: ${ok(r.requestsPerSecond > 1000)}`;
      if (path.startsWith("/badge/") && r.connections === 50)
        return `over 2,000 req/s, p99 under 20 ms: ${ok(r.requestsPerSecond > 2000 && r.p99Ms < 20)}`;
      return "";
    };
    for (const r of f.web) {
      const path = new URL(r.url).pathname;
      out.push(
        `| \`${path}\` | ${r.microCache === false ? "off" : "on"} | ${r.connections} | ${r.requestsPerSecond} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.errors + r.non2xx} | ${target(path, r)} |`,
      );
    }
    out.push(
      "",
      "Uptime Kuma, for comparison, caches its status-page JSON for 1 to 5 minutes, and users report its dashboard taking 10 to 45 s with about 1,000 monitors.",
      "",
    );
  }

  if (f.lighthouse?.pages?.length) renderLighthouse(out, f.lighthouse, ok);

  const rp = f.registryPull;
  if (rp) {
    out.push("## Registry pull check", "");
    out.push(
      `The \`registry\` probe's pull check against Debian's docker-registry (distribution 2.8) with token auth on loopback, ${rp.runs} runs after 5 warm-up runs. Every run opens fresh connections; the Bearer token is cached, as in production. The raw figure is the same four requests made with undici alone (no phase timing, no digest checks).`,
      "",
    );
    out.push("| step | median |", "| --- | --- |");
    for (const [k, v] of Object.entries(rp.stepMedianMs)) out.push(`| ${k} | ${v} ms |`);
    out.push(
      `| **whole check** | **${rp.totalMedianMs} ms** |`,
      `| raw undici, same requests | ${rp.rawUndiciMedianMs} ms |`,
      `| probe overhead | ${rp.overheadMs} ms |`,
      "",
    );
    if (rp.push) {
      out.push("### Push canary next to the pull", "");
      out.push(
        `The push canary (\`push\` on an api check: two blobs uploaded, one monolithic and one chunked, a manifest, all three read back and verified, then deleted) on the same registry, ${rp.push.runs} runs after 5 warm-up runs, each with new content; its token (pull,push,delete) is cached like the pull's.`,
        "",
      );
      out.push("| step | median |", "| --- | --- |");
      for (const [k, v] of Object.entries(rp.push.stepMedianMs)) out.push(`| ${k} | ${v} ms |`);
      out.push(
        `| **whole check** | **${rp.push.totalMedianMs} ms** (p95 ${rp.push.totalP95Ms} ms) |`,
        `| next to the pull check | ${rp.push.timesPull} × its ${rp.totalMedianMs} ms |`,
        "",
      );
    }
    if (rp.machineLoad) {
      const took = rp.seconds !== undefined ? `The section took ${rp.seconds} s. ` : "";
      out.push(
        `${took}Load average (1, 5, 15 min) before the section: ${rp.machineLoad.before.join(", ")}; after: ${rp.machineLoad.after.join(", ")} (two cores shared with other engineers' work, which shows in these medians).`,
        "",
      );
    }
  }

  const l = f.lateness;
  if (l) {
    out.push(`## Scheduler lateness: ${l.monitors.toLocaleString("en")} monitors at 60 s`, "");
    out.push(
      `The real agent process (the bundle \`npm start\` runs, with its Node flags) with ${l.monitors} http monitors against a loopback server in its own process, for ${l.seconds} s (every monitor fires at least once). Lateness = actual start − slot, as stored with each result.`,
      "",
    );
    out.push("| figure | value | target |", "| --- | --- | --- |");
    out.push(`| checks run | ${l.checks} (${l.down} down) | |`);
    out.push(
      `| lateness p50 / p99 / max | ${l.latenessMs.p50} / ${l.latenessMs.p99} / ${l.latenessMs.max} ms | p99 under 50 ms: ${ok(l.latenessMs.p99 < 50)} |`,
    );
    out.push(`| agent CPU (average over the run) | ${l.agentCpuPercent}% of one core | |`);
    out.push(
      `| agent RSS median / max | ${l.agentRssMb.median} / ${l.agentRssMb.max} MB | under 150 MB: ${ok(l.agentRssMb.max < 150)} |`,
      "",
    );
  }
  const hb = f.heartbeatIntake;
  if (hb) {
    out.push(`## Heartbeat ping intake: ${hb.connections} connections while ${hb.probedMonitors} monitors are probed`, "");
    out.push(
      `autocannon (its own process, low CPU priority) sends \`/ping/<token>/start\` with ${hb.connections} connections for ${hb.seconds} s to \`npm run web\` on loopback (SQLite), while the agent bundle probes ${hb.probedMonitors} http monitors every second and judges ${hb.heartbeatMonitors} heartbeat monitors. Each ping is looked up by its token's hash, counted against the rate limit (off for the run: all the load comes from one address), stamped and stored, then read by the agent's judge; a start makes no slot result, so the figure is the intake's own. The agent's lateness is start − slot of its checks during the load.`,
      "",
    );
    out.push("| figure | value | target |", "| --- | --- | --- |");
    out.push(
      `| pings per second | ${hb.load.requestsPerSecond} | at least ${hb.target.pingsPerSecond}: ${ok(hb.load.requestsPerSecond >= hb.target.pingsPerSecond)} |`,
    );
    out.push(
      `| latency p50 / p99 | ${hb.load.p50Ms} / ${hb.load.p99Ms} ms | p99 at most ${hb.target.p99Ms} ms: ${ok(hb.load.p99Ms <= hb.target.p99Ms)} |`,
    );
    out.push(`| errors / non-2xx answers | ${hb.load.errors} / ${hb.load.non2xx} | |`);
    out.push(`| pings stored | ${hb.stored} | |`);
    out.push(
      `| agent lateness p50 / p99 / max | ${hb.agentLatenessMs.p50} / ${hb.agentLatenessMs.p99} / ${hb.agentLatenessMs.max} ms (${hb.agentLatenessMs.checks} checks) | |`,
    );
    if (hb.machineLoad)
      out.push(
        `| machine load (1, 5, 15 min) before / after | ${hb.machineLoad.before.join(", ")} / ${hb.machineLoad.after.join(", ")} | |`,
      );
    out.push("");
  }
  const c = f.csp;
  if (c) {
    out.push("## Content-Security-Policy by hashes", "");
    out.push(
      `The web process hashes the inline scripts of each HTML answer into its CSP (see SECURITY.md). Measured on the home page of 100 monitors with 90 days of history: ${c.htmlKb} KB of HTML, ${c.inlineScripts} inline scripts, a ${c.cspHeaderBytes}-byte header.`,
      "",
    );
    out.push("| figure | value |", "| --- | --- |");
    out.push(
      `| work per hashed answer (gunzip, find scripts, SHA-256), median / p99 | ${(c.perResponseMicros.median / 1000).toFixed(2)} / ${(c.perResponseMicros.p99 / 1000).toFixed(2)} ms |`,
    );
    out.push(
      `| \`/\` at 10 connections with the policy (micro-cache and ETag memo on) | ${c.homeUnderLoad.requestsPerSecond} req/s, p50 ${c.homeUnderLoad.p50Ms} ms, p99 ${c.homeUnderLoad.p99Ms} ms |`,
      "",
    );
    out.push(
      "An answer is hashed once per page regeneration (its ETag is remembered); micro-cache hits and repeated ETags cost nothing. A nonce instead would force every page to render per request.",
      "",
    );
  }

  const lp = f.loadUnderProbing;
  if (lp) {
    out.push(`## Load while probing: ${lp.connections} connections, ${lp.monitors} monitors`, "");
    out.push(
      `autocannon (three processes, at low CPU priority, asking for gzip as browsers do) on the status page, \`/api/v2/summary.json\` and a badge with ${lp.connections} connections in all for ${lp.seconds} s, against \`npm run web\`, while the agent bundle probes ${lp.monitors} http monitors every ${lp.intervalSeconds} s. Each monitor's target answers after exactly 50 ms (a loopback server in its own process), so measured total − 50 ms is the agent's measurement error (whole milliseconds: the stored total is an integer). A bare Node client polls the same target meanwhile; "beyond the bare client" is the agent's error minus the client's, what the agent itself adds. Everything runs on the same two cores: the load generator, the web process, the agent and the target.`,
      "",
    );
    renderLoad(out, lp, ok);
  }
  const st = f.storm;
  if (st?.storm) {
    const s = st.storm;
    out.push(`## Outage storm: ${s.stormMonitors} monitors go down under ${st.connections} connections`, "");
    out.push(
      `The load run above, in the hour a status page exists for. ${s.stormMonitors} monitors probe one target every ${st.intervalSeconds} s and ${s.healthyMonitors} more probe a second one. At the start of the ${st.seconds} s load window the first target starts refusing connections; it comes back ${s.outageSeconds} s later. Hysteresis confirms the outage, one automatic incident opens and grows, a webhook channel (a loopback receiver that takes ${s.webhookDelayMs / 1000} s to answer each delivery) is notified, and summary.json is polled every 250 ms as a reader would. The error and lateness figures are those of the healthy group.`,
      "",
    );
    renderLoad(out, st, ok);
    out.push("", "| storm figure | value | target |", "| --- | --- | --- |");
    out.push(`| outage confirmed after the target went down | ${orDash(s.confirmedAfterMs, " ms")} | |`);
    out.push(
      `| summary.json showed the incident after its confirmation | ${orDash(s.pageShowedAfterMs, " ms")} | within 10 s: ${ok(s.pageShowedAfterMs !== null && s.pageShowedAfterMs <= 10_000)} |`,
    );
    out.push(`| incidents opened / resolved | ${s.incidents} / ${s.incidentsResolved} | |`);
    out.push(
      `| notifications queued / delivered / failed | ${s.notificationsQueued} / ${s.notificationsDelivered} / ${s.failed} | all delivered: ${ok(s.notificationsDelivered === s.notificationsQueued)} |`,
    );
    out.push(
      `| deliveries received twice / never received | ${s.duplicateDeliveries} / ${s.undelivered} | exactly once: ${ok(s.duplicateDeliveries === 0 && s.undelivered === 0)} |`,
      "",
    );
  }

  const pw = f.pgWeb;
  if (pw) renderPgWeb(out, pw);
  const sl = f.scaleLateness;
  if (sl) renderScaleLateness(out, sl, ok);
  if (f.configSync) renderConfigSync(out, f.configSync, ok);
  return out.join("\n");
}

/** The figures that a load run and a storm run share, against issue 13's targets. */
function renderLoad(out: string[], lp: Any, ok: (pass: boolean) => string) {
  out.push("| path | connections | req/s | p50 | p99 | error answers |", "| --- | --- | --- | --- | --- | --- |");
  for (const h of lp.http)
    out.push(
      `| \`${new URL(h.url).pathname}\` | ${h.connections} | ${h.requestsPerSecond} | ${h.p50Ms} ms | ${h.p99Ms} ms | ${h.errors + h.non2xx} |`,
    );
  const home = lp.http.find((h: Any) => new URL(h.url).pathname === "/");
  const others = lp.http.filter((h: Any) => h !== home);
  out.push("", "| figure | value | target |", "| --- | --- | --- |");
  out.push(`| error answers | ${lp.errorAnswers} | none: ${ok(lp.errorAnswers === 0)} |`);
  out.push(`| checks in the window / down (of monitors whose target stayed up) | ${lp.checksInWindow} / ${lp.downChecks} | |`);
  out.push(`| missed slots | ${lp.missedSlots} | none: ${ok(lp.missedSlots === 0)} |`);
  out.push(
    `| measurement error median / p99 / max | +${lp.measurementErrorMs.median} / +${lp.measurementErrorMs.p99} / +${lp.measurementErrorMs.max} ms | |`,
  );
  out.push(
    `| a bare Node client on the same target meanwhile: median / p99 | +${lp.referenceErrorMs.median} / +${lp.referenceErrorMs.p99} ms (${lp.referenceErrorMs.samples} requests) | |`,
  );
  const beyond = lp.beyondBareMs ?? {
    median: round2(lp.measurementErrorMs.median - lp.referenceErrorMs.median),
    p99: round2(lp.measurementErrorMs.p99 - lp.referenceErrorMs.p99),
  };
  out.push(
    `| the agent beyond the bare client: median / p99 | ${beyond.median} / ${beyond.p99} ms | ≤ 1 / ≤ 10 ms: ${ok(beyond.median <= 1)}, ${ok(beyond.p99 <= 10)} |`,
  );
  out.push(
    `| agent lateness p50 / p99 / max | ${lp.latenessMs.p50} / ${lp.latenessMs.p99} / ${lp.latenessMs.max} ms | p99 ≤ 50 ms: ${ok(lp.latenessMs.p99 <= 50)} |`,
  );
  if (lp.quiet) {
    const q = lp.quiet;
    out.push(
      `| quiet machine (before the load, ${q.checks} checks): agent error median / p99, bare client median / p99 | +${q.measurementErrorMs.median} / +${q.measurementErrorMs.p99} ms, +${q.referenceErrorMs.median} / +${q.referenceErrorMs.p99} ms | |`,
    );
    out.push(
      `| quiet machine: the agent beyond the bare client, median / p99 | ${q.beyondBareMs.median} / ${q.beyondBareMs.p99} ms | p99 ≤ 2 ms: ${ok(q.beyondBareMs.p99 <= 2)} |`,
    );
    out.push(`| quiet machine: agent lateness p99 | ${q.latenessMs.p99} ms | |`);
  }
  if (home)
    out.push(
      `| \`/\` at ${home.connections} connections | ${home.requestsPerSecond} req/s, p99 ${home.p99Ms} ms | ≥ 600 req/s, p99 ≤ 500 ms: ${ok(home.requestsPerSecond >= 600)}, ${ok(home.p99Ms <= 500)} |`,
    );
  for (const h of others)
    out.push(
      `| \`${new URL(h.url).pathname}\` at ${h.connections} connections | ${h.requestsPerSecond} req/s, p99 ${h.p99Ms} ms | ≥ 1,000 req/s, p99 ≤ 250 ms: ${ok(h.requestsPerSecond >= 1000)}, ${ok(h.p99Ms <= 250)} |`,
    );
  if (lp.agentCpuMsPerCheck !== undefined) {
    out.push(
      `| agent CPU per http check, all included (probe, write, rollups; both threads) | ${lp.agentCpuMsPerCheck} ms | ≤ 1.5 ms: ${ok(lp.agentCpuMsPerCheck <= 1.5)} |`,
    );
    out.push(
      `| agent RSS / web RSS at the end of the window | ${lp.agentRssMb} MB / ${lp.webRssMb} MB | web ≤ 250 MB: ${ok(lp.webRssMb <= 250)} |`,
    );
  }
  out.push("");
}

const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : "–");
const orDash = (v: unknown, unit = "") =>
  v === undefined || v === null || (typeof v === "number" && !Number.isFinite(v)) ? "–" : `${v}${unit}`;
/** A factor for reading: 29.7 → "29.7×", 0.02 → "1/50". */
const times = (r: number) => (r >= 1 ? `${Number(r.toFixed(1))}×` : `1/${Math.round(1 / r)}`);
const runOf = (run: string | null | undefined) => (run ? `\`${run.split(" on ")[0]}\` on ${run.split(" on ")[1]}` : "no run recorded");

function renderPgWeb(out: string[], pw: Any) {
  const s = pw.storage;
  const q = pw.sqlite?.storage;
  out.push("## PostgreSQL: the year of 100 monitors, its uptime query and web throughput", "");
  out.push(
    `The same year as the storage section (\`bench/seed-history.ts\`, same seed, same store functions) seeded into PostgreSQL (database \`status_bench_year\` through \`@prisma/adapter-pg\`), then \`VACUUM ANALYZE\`. Results, region checks and rollups are in time partitions (README, "Time partitions on PostgreSQL"): the seeder makes the partitions housekeeping would have made over the year, and retention drops whole ones, so a partition is kept until all of it is past the retention (hence a few more raw results and rollups than SQLite keeps). Sizes are \`pg_database_size\` (the whole database, catalog included) and \`pg_total_relation_size\` of \`CheckResult\` summed over its partitions (heap, TOAST and indexes); a partition and its indexes count under their table's and index's names. SQLite figures are those of the storage section (${runOf(pw.sqlite?.storageRun)}) and the web section (${runOf(pw.sqlite?.webRun)}).`,
    "",
  );
  out.push("| figure | SQLite | PostgreSQL | PostgreSQL / SQLite |", "| --- | --- | --- | --- |");
  out.push(
    `| database size after a year | ${orDash(q?.fileMb, " MB")} (after VACUUM) | ${s.fileMb} MB (after VACUUM ANALYZE) | ${ratio(s.fileMb, q?.fileMb)} |`,
  );
  out.push(
    `| bytes per stored result (table and key) | ${orDash(q?.bytesPerResult)} | ${s.bytesPerResult} | ${ratio(s.bytesPerResult, q?.bytesPerResult)} |`,
  );
  out.push(
    `| raw results kept / rollup rows | ${q ? `${q.rawRows.toLocaleString("en")} / ${q.rollupRows.toLocaleString("en")}` : "–"} | ${s.rawRows.toLocaleString("en")} / ${s.rollupRows.toLocaleString("en")} | |`,
  );
  out.push(
    `| all uptime windows for all 100 monitors (\`uptimeForAll\`, 50 runs) | median ${orDash(q?.uptimeAllWindowsMs?.median)} ms, p95 ${orDash(q?.uptimeAllWindowsMs?.p95)} ms | median ${s.uptimeAllWindowsMs.median} ms, p95 ${s.uptimeAllWindowsMs.p95} ms | ${ratio(s.uptimeAllWindowsMs.median, q?.uptimeAllWindowsMs?.median)} (median) |`,
  );
  out.push(
    `| seeding time | ${orDash(q?.seedSeconds, " s")} | ${orDash(s.seedSeconds, " s")} | ${ratio(s.seedSeconds, q?.seedSeconds)} |`,
    "",
  );
  out.push(`Largest PostgreSQL tables and indexes: ${s.tables.map((t: Any) => `${t.name} ${t.mb} MB`).join(", ")}.`, "");
  if (s.freeSpace?.length) {
    out.push(
      "PostgreSQL's VACUUM keeps the files and marks the space of deleted rows free for reuse (SQLite's VACUUM rebuilds the file): " +
        s.freeSpace
          .map((t: Any) => `\`${t.name}\` is ${t.mb} MB, of which ${t.liveMb} MB live rows and ${t.freePercent}% free space`)
          .join("; ") +
        " (pgstattuple, summed over the partitions). Before the partitions, retention deleted minute rollups row by row and left 76.6% of `Rollup` free (368 MB for 82 MB of live rows, `npm run bench -- pg-web` on 2026-11-28); dropping whole partitions leaves none.",
      "",
    );
  }

  const e = pw.explain;
  if (e) {
    out.push("### The status page's uptime query on PostgreSQL", "");
    out.push(
      `\`countsSince\` through \`uptimeForAll\` for all 100 monitors and all five windows: one statement of ${e.pieces} \`UNION ALL\` pieces, captured as sent (text and bound parameters) and run under \`EXPLAIN (ANALYZE, BUFFERS)\` through the same client, ${e.executionMs.runs} times after 3 warm-up runs. Execution time median ${e.executionMs.median} ms (min ${e.executionMs.min}, max ${e.executionMs.max}), planning ${e.planningMs.median} ms; the whole \`uptimeForAll\` call from Node (planning, execution, transfer, decoding) median ${s.uptimeAllWindowsMs.median} ms.`,
      "",
    );
    const off = pw.jitOff;
    const forced = pw.jitForced;
    out.push(
      `The planner estimates the whole statement at ${Math.round(e.totalCost).toLocaleString("en")}, next to \`jit_above_cost\` (100,000 by default)${e.rowEstimates ? `: its row estimates for the ${e.rowEstimates.scans} scans of \`Rollup\` that return rows range from ${times(e.rowEstimates.minRatio)} to ${times(e.rowEstimates.maxRatio)} the rows they return (median ${times(e.rowEstimates.medianRatio)})` : ""}. Above the threshold PostgreSQL JIT-compiles the statement at every execution (unless the connection sets \`jit=off\`), and which side it lands on depends on the sample of the last ANALYZE: as the app connected in this run it ${e.jitMs ? `**was compiled** (JIT ${e.jitMs.median} ms of the ${e.executionMs.median} ms)` : "was not compiled"}. The table adds \`jit=off\` and \`jit_above_cost=50000\` (settings given to every connection through the URL's \`options\`)${e.totalCost < 50_000 ? `; at an estimate of ${Math.round(e.totalCost).toLocaleString("en")} even the lower threshold leaves the statement uncompiled, so the three rows differ only by noise` : ", the second so that this statement is always compiled"}.`,
      "",
    );
    if (off && forced) {
      const root = (v: Any) => v?.web?.find((r: Any) => r.microCache !== false && r.connections === 10);
      const root50 = (v: Any) => v?.web?.find((r: Any) => r.microCache !== false && r.connections === 50);
      const bare = (v: Any) => v?.web?.find((r: Any) => r.microCache === false);
      const cell = (r: Any) => (r ? `${r.requestsPerSecond} (${r.p50Ms} / ${r.p99Ms} ms)` : "–");
      const pgDefault = { web: pw.web.filter((r: Any) => new URL(r.url).pathname === "/") };
      const sqliteRoot = { web: (pw.sqlite?.web ?? []).filter((r: Any) => new URL(r.url).pathname === "/") };
      out.push(
        "| settings | EXPLAIN ANALYZE execution, median | of which JIT | `uptimeForAll` median / p95 | `/` req/s (p50 / p99), 10 connections | 50 connections | 10, micro-cache off |",
        "| --- | --- | --- | --- | --- | --- | --- |",
      );
      out.push(
        `| as the app connects (this run) | ${e.executionMs.median} ms | ${e.jitMs ? `${e.jitMs.median} ms` : "none"} | ${s.uptimeAllWindowsMs.median} / ${s.uptimeAllWindowsMs.p95} ms | ${cell(root(pgDefault))} | ${cell(root50(pgDefault))} | ${cell(bare(pgDefault))} |`,
      );
      for (const [label, v] of [
        ["`jit=off`", off],
        ["`jit_above_cost=50000`", forced],
      ] as const) {
        out.push(
          `| ${label} | ${v.explain.executionMs.median} ms | ${v.explain.jitMs ? `${v.explain.jitMs.median} ms` : "none"} | ${v.uptimeAllWindowsMs.median} / ${v.uptimeAllWindowsMs.p95} ms | ${cell(root(v))} | ${cell(root50(v))} | ${cell(bare(v))} |`,
        );
      }
      out.push(
        `| SQLite (${runOf(pw.sqlite?.webRun)}) | – | – | ${orDash(q?.uptimeAllWindowsMs?.median)} / ${orDash(q?.uptimeAllWindowsMs?.p95)} ms | ${cell(root(sqliteRoot))} | ${cell(root50(sqliteRoot))} | ${cell(bare(sqliteRoot))} |`,
        "",
      );
      const jitLines = (plan: string) => plan.slice(plan.indexOf("JIT:")).trim();
      if (forced.explain.jitMs) out.push("With JIT, the plan ends with:", "", "```", jitLines(forced.explain.plan), "```", "");
    }
    out.push(
      "<details><summary>The statement (parameters written in for reading)</summary>",
      "",
      "```sql",
      e.readable,
      "```",
      "",
      "</details>",
      "",
    );
    out.push(
      "<details><summary>EXPLAIN (ANALYZE, BUFFERS), the run of median execution time</summary>",
      "",
      "```",
      e.plan,
      "```",
      "",
      "</details>",
      "",
    );
  }

  if (pw.web?.length) {
    out.push("### Web throughput: PostgreSQL next to SQLite", "");
    out.push(
      "The web section's method on the PostgreSQL year: `npm run web` with `DATABASE_URL=postgresql://…`, autocannon in its own process at low priority, 15 s per row after a 3 s warm-up, with the 1 s micro-cache, then without it (`MICRO_CACHE_MS=0`). The PostgreSQL server runs on the same two cores.",
      "",
    );
    out.push(
      "| path | micro-cache | connections | SQLite req/s | SQLite p50 / p99 | PostgreSQL req/s | PostgreSQL p50 / p99 | PostgreSQL errors | req/s PostgreSQL / SQLite |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    const key = (r: Any) => `${new URL(r.url).pathname}|${r.microCache === false ? "off" : "on"}|${r.connections}`;
    const sqlite = new Map<string, Any>((pw.sqlite?.web ?? []).map((r: Any) => [key(r), r]));
    for (const r of pw.web) {
      const l = sqlite.get(key(r));
      out.push(
        `| \`${new URL(r.url).pathname}\` | ${r.microCache === false ? "off" : "on"} | ${r.connections} | ${l ? l.requestsPerSecond : "–"} | ${l ? `${l.p50Ms} / ${l.p99Ms} ms` : "–"} | ${r.requestsPerSecond} | ${r.p50Ms} / ${r.p99Ms} ms | ${r.errors + r.non2xx} | ${l ? ratio(r.requestsPerSecond, l.requestsPerSecond) : "–"} |`,
      );
    }
    out.push("");
  }
  if (pw.machineLoad)
    out.push(
      `Load average (1, 5, 15 min) before the section: ${pw.machineLoad.before.join(", ")}; after: ${pw.machineLoad.after.join(", ")} (two cores; other work on the machine shows here).`,
      "",
    );
}

function renderScaleLateness(out: string[], sl: Any, ok: (pass: boolean) => string) {
  const region = sl.regions?.[0];
  out.push(
    `## Scale on PostgreSQL: ${sl.monitors.toLocaleString("en")} monitors at ${sl.intervalSeconds} s, ${sl.agents} agents in one region`,
    "",
  );
  out.push(
    `${sl.agents} agent processes (the bundle \`npm start\` runs, with its Node flags, \`--region ${sl.region}\`) started 2 s apart against one PostgreSQL database, sharing ${sl.monitors.toLocaleString("en")} http monitors (interval ${sl.intervalSeconds} s, timeout 5 s) through leases (TTL ${sl.leaseTtlMs / 1000} s, renewed every third of it) against a loopback server in its own process that records every request. The bench watches the leases every second until every agent holds its fair share and none is free, then measures for ${sl.windowSeconds} s: every monitor's slot comes twice in that window. Run: ${sl.totalSeconds} s in all. Lateness = actual start − slot, from \`RegionCheck.latenessMs\` of the window's slots. Missed = a slot of the window with no region check; duplicated = a slot the target was asked for more than once.`,
    "",
  );
  if (sl.agentPatch) {
    out.push(
      `**The stock agents did not all start**: ${sl.stockAgent.started} of ${sl.stockAgent.of} started when spawned together with ${sl.monitors.toLocaleString("en")} monitors (\`${sl.stockAgent.error}\`). The config sync writes every monitor, one statement each, in one interactive transaction, and on PostgreSQL the wait for the other agents' syncs (advisory lock) counts against that transaction's timeout. The figures below are of the agent bundled with ${sl.agentPatch}, everything else unchanged.`,
      "",
    );
  }
  out.push("| figure | value | target |", "| --- | --- | --- |");
  out.push(
    sl.settled
      ? `| leases settled to a fair share | ${sl.settleSeconds.fromLaunch} s after the first agent was spawned; the last agent had started ${orDash(sl.settleSeconds.lastAgentStartedAfter, " s")} after it, so ${orDash(sl.settleSeconds.fromLastAgentStarted, " s")} after the last start | |`
      : `| leases settled to a fair share | **not within ${sl.settleSeconds.fromLaunch} s**: the window below began unsettled | |`,
  );
  out.push(`| checks in the window | ${sl.checksInWindow.toLocaleString("en")} | |`);
  out.push(
    `| lateness p50 / p99 / max, all agents | ${sl.latenessMs.p50} / ${sl.latenessMs.p99} / ${sl.latenessMs.max} ms | p99 under 50 ms: ${ok(sl.latenessMs.p99 < 50)} |`,
  );
  if (region) {
    out.push(
      `| slots of the window: expected / missed / duplicated (region ${region.region}) | ${region.window.expected.toLocaleString("en")} / ${region.window.missed} / ${region.window.duplicated} | none missed or duplicated: ${ok(region.window.missed === 0 && region.window.duplicated === 0)} |`,
    );
    if (region.startup)
      out.push(
        `| slots from the first agent's start to settling (${region.startup.seconds} s), hand-overs included: expected / missed / duplicated | ${region.startup.expected.toLocaleString("en")} / ${region.startup.missed} / ${region.startup.duplicated} | none missed or duplicated: ${ok(region.startup.missed === 0 && region.startup.duplicated === 0)} |`,
      );
  }
  out.push(
    `| quorum decision: decidedAt − slot, p50 / p99 / max | ${sl.quorum.decideDelayMs.p50} / ${sl.quorum.decideDelayMs.p99} / ${sl.quorum.decideDelayMs.max} ms (${sl.quorum.decidedSlotsInWindow.toLocaleString("en")} of the window's slots decided by its end; ${sl.quorum.undecidedOlderThan10sAtEnd.toLocaleString("en")} region checks older than 10 s undecided then) | |`,
  );
  if (sl.quorum.decidedPerSecond !== undefined)
    out.push(
      `| region checks arriving / decided per second in the window | ${sl.quorum.arrivingPerSecond} / ${sl.quorum.decidedPerSecond} | decided as fast as they arrive (within 1%: the window's last slots are decided just after it ends) and none older than 10 s left: ${ok(sl.quorum.decidedPerSecond >= sl.quorum.arrivingPerSecond * 0.99 && sl.quorum.undecidedOlderThan10sAtEnd === 0)} |`,
    );
  const c = sl.cpuPercentOfOneCore;
  const perCheck = sl.agentCpuPerCheckMs;
  if (perCheck)
    out.push(
      `| agents' CPU per check of the window, by thread | ${perCheck.total} ms: probe thread ${perCheck.probe} ms, store thread ${perCheck.store} ms, other threads (V8's collector and compiler helpers, libuv) ${perCheck.helpers} ms | ≤ 1.5 ms: ${ok(perCheck.total <= 1.5)} |`,
    );
  out.push(
    `| CPU over the window, % of one core | agents ${c.agents}%, PostgreSQL server ${c.postgres}% (all its processes: other clients of the server count too), target ${c.target}%; the whole machine ${c.machine}% of ${c.cores * 100}% (other work ${c.others}%) | |`,
  );
  const ps = sl.postgresPerSecond;
  if (ps)
    out.push(
      `| PostgreSQL work per second over the window | ${ps.commits.toLocaleString("en")} commits, ${ps.tuplesReturned.toLocaleString("en")} tuples returned (scans), ${ps.leaseRowUpdates.toLocaleString("en")} lease rows updated, ${ps.regionCheckIndexScans.toLocaleString("en")} index scans of RegionCheck | |`,
    );
  out.push("");
  const missedExamples = [...(region?.startup?.examples ?? []), ...(region?.window?.examples ?? [])];
  if (missedExamples.length)
    out.push(
      `Missed slots (the first ten of the start-up, then of the window): ${missedExamples
        .map(
          (e: Any) =>
            `monitor ${e.monitorId} at ${e.secondsAfterFirstStart} s after the first start (slot before checked by ${e.before ?? "nobody"}, after by ${e.after ?? "nobody"})`,
        )
        .join("; ")}.`,
      "",
    );
  if (sl.latenessSteps?.length) {
    out.push(
      "Through the window, in 20 s steps of slot time, next to the quorum decision's backlog (region checks not yet decided, the most seen in the step) and the three agents' CPU:",
      "",
    );
    out.push(
      "| seconds into the window | checks | lateness p50 / p99 / max | undecided region checks | agents' CPU (% of one core, together) |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const st of sl.latenessSteps)
      out.push(
        `| ${st.fromSecond}–${st.fromSecond + 20} | ${st.latenessMs.n.toLocaleString("en")} | ${st.latenessMs.p50} / ${st.latenessMs.p99} / ${st.latenessMs.max} ms | ${orDash(st.undecided?.toLocaleString("en"))} | ${orDash(st.agentsCpu, "%")} |`,
      );
    out.push("");
    const ab = sl.afterBacklog;
    out.push(
      ab
        ? `Steady state: from when the decision backlog left by the start-up was worked off for good (the first sample after the last one with 200 or more waiting, ${ab.fromSecond} s into the window), for one interval (${ab.seconds} s): lateness p50 / p99 / max ${ab.latenessMs.p50} / ${ab.latenessMs.p99} / ${ab.latenessMs.max} ms over ${ab.latenessMs.n.toLocaleString("en")} checks (p99 under 50 ms: ${ok(ab.latenessMs.p99 < 50)}); ${ab.missed} of ${ab.expected.toLocaleString("en")} slots missed, ${ab.duplicated} duplicated; agents' CPU ${ab.agentsCpu}% of one core together, PostgreSQL ${ab.postgresCpu}%.`
        : "Steady state was not reached: the decision backlog left by the start-up was not worked off for good within the window and 90 s after it.",
      "",
    );
  }
  if (sl.quorum.backlog?.length) {
    out.push(
      "Every 5 s from the first spawn: seconds, undecided region checks, the agents' CPU and the PostgreSQL server's CPU since the previous sample (% of one core): " +
        sl.quorum.backlog
          .map(
            (b: Any) =>
              `${b.t} s: ${b.undecided.toLocaleString("en")}${typeof b.agentsCpu === "number" && Number.isFinite(b.agentsCpu) ? ` (${b.agentsCpu}%, ${b.postgresCpu}%)` : ""}`,
          )
          .join("; ") +
        ".",
      "",
    );
  }
  out.push(
    "| agent | monitors held | checks in the window | lateness p50 / p99 / max | heartbeat p50 / p99 (last 2,048 checks) | CPU (% of one core) | RSS median / max | started after |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const a of sl.perAgent) {
    const hb = a.heartbeat;
    out.push(
      `| ${a.agent} | ${a.monitorsHeld.toLocaleString("en")} | ${a.checksInWindow.toLocaleString("en")} | ${a.latenessMs.p50} / ${a.latenessMs.p99} / ${a.latenessMs.max} ms | ${hb ? `${round2(hb.latenessP50Ms ?? NaN)} / ${round2(hb.latenessP99Ms ?? NaN)} ms` : "–"} | ${a.cpuPercent}% | ${a.rssMb.median} / ${a.rssMb.max} MB | ${orDash(a.startedAfterSeconds, " s")} |`,
    );
  }
  out.push("");
  if (sl.leaseTimeline?.length) {
    out.push(
      "Leases held per agent (agent 1 / 2 / 3, free), each time they changed: " +
        sl.leaseTimeline.map((p: Any) => `${p.t} s: ${p.held.join(" / ")}, ${p.free} free`).join("; ") +
        ".",
      "",
    );
  }
  if (sl.machineLoad)
    out.push(
      `Load average (1, 5, 15 min) before the section: ${sl.machineLoad.before.join(", ")}; after: ${sl.machineLoad.after.join(", ")}.`,
      "",
    );
}

function renderLighthouse(out: string[], lh: Any, ok: (pass: boolean) => string) {
  out.push("## Lighthouse: the home page and a monitor page on a phone", "");
  out.push(
    "Lighthouse 12.2.3 (pinned in package.json) with its default mobile preset (a 412 × 823 screen, 4× CPU slowdown, simulated slow 4G) against Debian's chromium (`CHROME_PATH=/usr/bin/chromium`, headless), on `npm run web` serving each database, after the page is warm in the page cache. Each page is measured three times in a fresh browser; the table shows the run with the median performance score, and all three scores. Each page is measured in the light theme and in the dark one (Chromium told the system prefers dark, `--blink-settings=preferredColorScheme=0`).",
    "",
  );
  out.push(
    "| database | page | theme | performance (3 runs) | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | transferred | JavaScript | unused JavaScript | elements | target |",
  );
  out.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const p of lh.pages) {
    const pass = p.performance >= 95 && p.accessibility === 100 && p.bestPractices === 100 && p.seo === 100;
    out.push(
      `| ${p.dataset} | \`${p.path}\` | ${p.theme ?? "light"} | **${p.performance}** (${p.scores.join(", ")}) | ${p.accessibility} | ${p.bestPractices} | ${p.seo} | ${p.fcpMs} ms | ${p.lcpMs} ms | ${p.tbtMs} ms | ${p.cls} | ${p.transferKib} KiB | ${p.scriptKib} KiB | ${p.unusedJsKib} KiB | ${p.domElements} | performance ≥ 95, the others 100: ${ok(pass)} |`,
    );
  }
  out.push("");
  out.push(
    "Before issue 13, at 17 monitors, `/` scored 89 (total blocking time 360 ms, 52 KiB of unused JavaScript) and a monitor page 78 (680 ms, 119 KiB).",
    "",
  );
  if (lh.machineLoad)
    out.push(
      `Load average (1, 5, 15 min) before the section: ${lh.machineLoad.before.join(", ")}; after: ${lh.machineLoad.after.join(", ")} (two cores; other work on the machine shows here, and in total blocking time most).`,
      "",
    );
}

function renderConfigSync(out: string[], cs: Any, ok: (pass: boolean) => string) {
  out.push("## Config sync of 10,000 monitors", "");
  out.push(
    "`syncConfig` alone (the config parsed before the clock starts), each provider on a fresh database: the first sync (every monitor new), the same config again (an agent restarting, or the second agent of a region), and a reload with 10 monitors changed. The stored fingerprint of the config lets a sync with nothing new read only the monitors' ids; otherwise rows are compared in memory and only the differences written.",
    "",
  );
  out.push("| sync | SQLite | PostgreSQL | target |", "| --- | --- | --- | --- |");
  const row = (label: string, key: string) => {
    const a = cs.sqlite[key];
    const b = cs.postgresql[key];
    out.push(`| ${label} | ${a} ms | ${b} ms | ≤ 5 s: ${ok(a <= 5000 && b <= 5000)} |`);
  };
  row("first (10,000 new)", "firstMs");
  row("unchanged", "unchangedMs");
  row("10 changed", "tenChangedMs");
  out.push(`| rows rewritten by the unchanged sync | ${cs.sqlite.unchangedRewritten} | ${cs.postgresql.unchangedRewritten} | 0 |`, "");
}
