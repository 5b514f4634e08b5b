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

/** How much of an error or reason text is stored with a check, a state change or a live state. */
export const STORED_ERROR_CHARS = 300;

/** The stored form of an error text: its first STORED_ERROR_CHARS characters, or null when there is none. */
export function storedErrorText(text: string | null | undefined): string | null {
  return text?.slice(0, STORED_ERROR_CHARS) ?? null;
}
