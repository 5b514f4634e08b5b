/**
 * Whether a check of a monitor may start now under this agent's leases: the lease is held and was
 * renewed recently enough (`validUntil` maps monitor id to that time). Its own module, free of any
 * database code, because the probe thread applies it to every slot.
 */
export function leaseAllowsCheck(validUntil: ReadonlyMap<number, number>, monitorId: number, now = Date.now()): boolean {
  return (validUntil.get(monitorId) ?? 0) > now;
}
