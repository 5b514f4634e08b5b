/**
 * What the hash-based Content-Security-Policy costs: the work added to an HTML answer that
 * leaves Next.js (decompress, find inline scripts, SHA-256 them), against the home page of a
 * status page with 100 monitors and 90 days of history.
 */
import { gunzipSync } from "node:zlib";
import { get } from "node:http";
import { freshDb, median, quantile, round } from "./util";
import { seedHistory } from "./seed-history";
import { startWeb } from "../tests/helpers/web-process";
import { httpLoad } from "./http-load";
import { inlineScriptHashes } from "../scripts/security-headers.mjs";

/** The bytes as the server sent them (fetch would decompress them). */
function rawGet(url: string): Promise<{ body: Buffer; csp: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { "accept-encoding": "gzip" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ body: Buffer.concat(chunks), csp: String(res.headers["content-security-policy"] ?? "") }));
    }).on("error", reject);
  });
}

export async function benchCspCost() {
  const { db, url } = await freshDb("csp");
  await seedHistory(db, { monitors: 100, days: 90, rawDays: 1, seed: 11 });
  await db.$disconnect();
  const web = await startWeb(url);
  try {
    // The first answers may be the page prerendered at build time; wait for the seeded one.
    let got = await rawGet(`${web.url}/`);
    for (let i = 0; i < 40 && !gunzipSync(got.body).toString("utf8").includes("data-monitor="); i++) {
      await new Promise((r) => setTimeout(r, 500));
      got = await rawGet(`${web.url}/`);
    }
    const { body: gz, csp } = got;
    const html = gunzipSync(gz);
    const times: number[] = [];
    for (let i = 0; i < 50; i++) inlineScriptHashes(gunzipSync(gz).toString("utf8"));
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      inlineScriptHashes(gunzipSync(gz).toString("utf8"));
      times.push((performance.now() - t0) * 1000);
    }
    const load = await httpLoad(`${web.url}/`, 10, 10);
    return {
      htmlKb: round(html.length / 1024, 1),
      monitorRows: (html.toString("utf8").match(/data-monitor=/g) ?? []).length,
      inlineScripts: inlineScriptHashes(html.toString("utf8")).length,
      cspHeaderBytes: csp.length,
      perResponseMicros: { median: round(median(times), 0), p99: round(quantile(times, 0.99), 0) },
      homeUnderLoad: load,
    };
  } finally {
    await web.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchCspCost(), null, 2));
}
