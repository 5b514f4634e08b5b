import { connect, type Socket } from "node:net";
import type { TcpMonitorSpec } from "./kinds/tcp";
import { classifyError } from "./classify-error";
import { PhaseTimer } from "./phase-timer";
import { failure, type ProbeContext } from "./types";
import type { ProbeResult } from "../core/probe-result";

export async function probeTcp(spec: TcpMonitorSpec, ctx: ProbeContext): Promise<ProbeResult> {
  const timer = new PhaseTimer();
  let socket: Socket | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
      socket = connect({ host: spec.host, port: spec.port });
      timer.watch(socket, false);
      const onAbort = () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      socket.once("connect", () => {
        ctx.signal.removeEventListener("abort", onAbort);
        resolve();
      });
      socket.once("error", (e) => {
        ctx.signal.removeEventListener("abort", onAbort);
        reject(e);
      });
    });
    const phases = timer.phases();
    if (spec.degraded_after !== undefined && phases.totalMs > spec.degraded_after) {
      return { status: "degraded", phases, details: {}, error: `slow connect: ${Math.round(phases.totalMs)} ms` };
    }
    return { status: "up", phases, details: {} };
  } catch (err) {
    const { errorClass, error } = classifyError(err, ctx.signal.aborted);
    return failure(errorClass, error, timer.phases());
  } finally {
    socket?.destroy();
  }
}
