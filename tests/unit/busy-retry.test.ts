import { describe, expect, it } from "vitest";
import { isBusyError, withBusyRetry } from "@/monitors/store/busy-retry";

const busy = () => Object.assign(new Error("SqliteError: database is locked"), { code: "SQLITE_BUSY" });

describe("withBusyRetry", () => {
  it("keeps trying for as long as a lock lasts within the budget, not for a fixed count", async () => {
    const lockEndsAt = Date.now() + 1_500;
    let attempts = 0;
    const value = await withBusyRetry(async () => {
      attempts++;
      if (Date.now() < lockEndsAt) throw busy();
      return "saved";
    }, 3_000);
    expect(value).toBe("saved");
    // 1.5 s of lock is more than the first few short waits cover.
    expect(attempts).toBeGreaterThan(5);
  });

  it("gives up with the busy error once the budget is spent", async () => {
    const started = Date.now();
    await expect(withBusyRetry(async () => Promise.reject(busy()), 600)).rejects.toThrow(/database is locked/);
    const spent = Date.now() - started;
    expect(spent).toBeLessThanOrEqual(700);
    expect(spent).toBeGreaterThanOrEqual(150);
  });

  it("does not retry other errors", async () => {
    let attempts = 0;
    await expect(
      withBusyRetry(async () => {
        attempts++;
        throw new Error("UNIQUE constraint failed");
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(attempts).toBe(1);
    expect(isBusyError(new Error("UNIQUE constraint failed"))).toBe(false);
  });
});
