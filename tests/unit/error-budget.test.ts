import { describe, expect, it } from "vitest";
import { errorBudget } from "@/monitors/queries/slo";

const counts = (up: number, down: number, degraded = 0, maintenance = 0) => ({ up, degraded, down, maintenance });

describe("error budget: one rule for monitors and groups, over observed time only", () => {
  it("two minutes of data, all down, exceed the budget by about two minutes (not thousands spread over the month)", () => {
    const b = errorBudget(98, [{ counts: counts(0, 2), intervalSec: 60 }]);
    expect(b).toMatchObject({ monthRatio: 0, observedMinutes: 2, spentMinutes: 2, budgetMinutes: 0, leftMinutes: -2 });
  });

  it("a group pools its monitors' slots with the same rule, so it agrees with its members", () => {
    const a = { counts: counts(0, 2), intervalSec: 60 };
    const b = { counts: counts(0, 4), intervalSec: 30 };
    const group = errorBudget(98, [a, b]);
    expect(group).toMatchObject({ monthRatio: 0, observedMinutes: 4, spentMinutes: 4, leftMinutes: -4 });
    // Each member alone is exceeded too, never "890 min left" beside a group that is over.
    expect(errorBudget(98, [a]).leftMinutes).toBeLessThan(0);
    expect(errorBudget(98, [b]).leftMinutes).toBeLessThan(0);
  });

  it("maintenance and no data are not observed time; nothing observed is no data, not 100%", () => {
    expect(errorBudget(99, [{ counts: counts(0, 0, 0, 100), intervalSec: 60 }])).toMatchObject({
      monthRatio: null,
      observedMinutes: 0,
      budgetMinutes: 0,
      leftMinutes: 0,
    });
    expect(errorBudget(99, [{ counts: undefined, intervalSec: 60 }]).monthRatio).toBeNull();
  });

  it("a long healthy stretch earns budget in proportion: 10,000 observed minutes at 99% allow 100", () => {
    const b = errorBudget(99, [{ counts: counts(9_970, 30), intervalSec: 60 }]);
    expect(b).toMatchObject({ observedMinutes: 10_000, budgetMinutes: 100, spentMinutes: 30, leftMinutes: 70 });
    expect(b.monthRatio).toBeCloseTo(0.997, 6);
  });
});
