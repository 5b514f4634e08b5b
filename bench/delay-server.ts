import { spawn, type ChildProcess } from "node:child_process";

/** What the target waits before answering; measured total − this is a probe's measurement error. */
export const DELAY_MS = 50;

// Sleeps most of the delay, then spins to the exact moment: setTimeout alone fires a few ms late.
// "down" on stdin closes the port (connections are refused), "up" listens on it again; each is
// confirmed on stdout.
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
let port = 0;
s.listen(0, "127.0.0.1", () => { port = s.address().port; process.stdout.write(String(port) + "\\n"); });
require("node:readline").createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "down") { s.close(() => process.stdout.write("down\\n")); s.closeAllConnections(); }
  if (line === "up") s.listen(port, "127.0.0.1", () => process.stdout.write("up\\n"));
});
`;

export interface DelayServer {
  port: number;
  child: ChildProcess;
  /** Refuse connections from now on (false), or answer again (true). */
  setUp: (up: boolean) => Promise<void>;
}

/** A loopback server in its own process that answers every request after exactly DELAY_MS. */
export async function startDelayServer(): Promise<DelayServer> {
  const child = spawn(process.execPath, ["-e", DELAY_SERVER], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => child.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
  const setUp = (up: boolean) =>
    new Promise<void>((resolve) => {
      const word = up ? "up" : "down";
      const onData = (d: Buffer) => {
        if (!String(d).includes(word)) return;
        child.stdout!.off("data", onData);
        resolve();
      };
      child.stdout!.on("data", onData);
      child.stdin!.write(`${word}\n`);
    });
  return { port, child, setUp };
}
