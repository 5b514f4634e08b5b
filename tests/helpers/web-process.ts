import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts `npm run web` (migrate, build if needed, next start) on a free port against a database. */
export async function startWeb(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void>; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["scripts/start.mjs", "--web"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`web exited early:\n${out}`);
    if (Date.now() > until) throw new Error(`web did not start:\n${out}`);
    try {
      const r = await fetch(`${url}/`);
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Fetches until the body satisfies `ok`, for pages served from the ISR cache: the first
 * answer may be the previous snapshot while the page regenerates (the freshness promise is 10 s).
 */
export async function fetchUntil(url: string, ok: (body: string) => boolean, timeoutMs = 12_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const r = await fetch(url);
    last = await r.text();
    if (ok(last)) return last;
    if (Date.now() > until)
      throw new Error(`${url} did not show the expected content within ${timeoutMs} ms; last body:\n${last.slice(0, 2000)}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}
