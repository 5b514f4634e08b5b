/**
 * One line that says what went wrong, for logs. Prisma's errors from a driver adapter open with
 * the call site and a code excerpt; the database's own message is on the adapter error.
 */
export function firstLine(err: unknown): string {
  const e = err as { message?: string; meta?: { driverAdapterError?: { message?: string } } };
  const fromDriver = e?.meta?.driverAdapterError?.message;
  if (fromDriver) return fromDriver.split("\n")[0];
  const lines = String(e?.message ?? err)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[0] ?? String(err);
}
