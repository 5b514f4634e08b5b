/**
 * Web throughput on a database, the method of the `web` section: `npm run web` against it, each
 * path at 10 and 50 connections behind the 1 s micro-cache (3 s warm-up, 15 s measured), then
 * the given paths again with the micro-cache off (`MICRO_CACHE_MS=0`) at 10 connections.
 * Used by `web` (the SQLite year) and `pg-web` (the PostgreSQL year), so both measure alike.
 */
import { httpLoad, type LoadResult } from "./http-load";
import { startWeb } from "../tests/helpers/web-process";

export type WebResult = LoadResult & { microCache?: false };

export async function webThroughput(
  databaseUrl: string,
  opts: { paths: string[]; barePaths: string[]; log: (s: string) => void },
): Promise<WebResult[]> {
  const { log } = opts;
  const web = await startWeb(databaseUrl);
  const results: WebResult[] = [];
  for (const path of opts.paths) {
    const probe = await fetch(`${web.url}${path}`);
    if (probe.status !== 200) {
      log(`skipping ${path}: answers ${probe.status}`);
      continue;
    }
    for (const c of [10, 50]) {
      await httpLoad(`${web.url}${path}`, c, 3); // warm-up
      const r = await httpLoad(`${web.url}${path}`, c, 15);
      results.push(r);
      log(JSON.stringify(r));
    }
  }
  await web.stop();
  // The same paths with the micro-cache off: what Next.js's own cache (ISR) and the
  // app's 3–5 s data caches give on their own.
  const bare = await startWeb(databaseUrl, { MICRO_CACHE_MS: "0" });
  for (const path of opts.barePaths) {
    await fetch(`${bare.url}${path}`);
    await httpLoad(`${bare.url}${path}`, 10, 3);
    const r: WebResult = { ...(await httpLoad(`${bare.url}${path}`, 10, 15)), microCache: false };
    results.push(r);
    log(JSON.stringify(r));
  }
  await bare.stop();
  return results;
}
