import { createHash } from "node:crypto";

/** A stable offset in [0, interval) from the slug, so monitors with equal intervals do not fire together. */
export function phaseOffsetMs(slug: string, intervalMs: number): number {
  const h = createHash("sha256").update(slug).digest();
  return h.readUInt32BE(0) % intervalMs;
}

/** The start of the slot that contains `at`: slots are k * interval + phase on the epoch clock. */
export function slotContaining(at: number, intervalMs: number, phaseMs: number): number {
  return Math.floor((at - phaseMs) / intervalMs) * intervalMs + phaseMs;
}

/** The first slot that starts strictly after `at`. */
export function nextSlotAfter(at: number, intervalMs: number, phaseMs: number): number {
  return slotContaining(at, intervalMs, phaseMs) + intervalMs;
}
