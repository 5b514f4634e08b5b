import { spawn, type ChildProcess } from "node:child_process";

/** What the target waits before answering; measured total − this is a probe's measurement error. */
export const DELAY_MS = 50;

// Sleeps most of the delay, then spins to the exact moment: setTimeout alone fires a few ms late.
const DELAY_SERVER = `
const http = require("node:http");
const s = http.createServer((req, res) => {
  const t0 = process.hrtime.bigint();
  setTimeout(() => {
    while (Number(process.hrtime.bigint() - t0) / 1e6 < ${DELAY_MS}) {}
    res.end("ok");
  }, ${DELAY_MS - 8});
});
s.keepAliveTimeout = 1000;
s.listen(0, "127.0.0.1", () => process.stdout.write(String(s.address().port) + "\\n"));
`;

/** A loopback server in its own process that answers every request after exactly DELAY_MS. */
export async function startDelayServer(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ["-e", DELAY_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => child.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
  return { port, child };
}
