/**
 * An agent is alive while its heartbeat is recent. A lone agent beats every 15 s and an agent in a
 * region every lease renewal (5 s by default): three missed 15 s beats mean it is gone.
 */
export const AGENT_ALIVE_MS = 45_000;

export function agentAlive(lastSeenAt: Date, now = Date.now()): boolean {
  return now - lastSeenAt.getTime() < AGENT_ALIVE_MS;
}
