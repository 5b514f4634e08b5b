import { describe, expect, it } from "vitest";
import { pendingSchemaSql } from "../../scripts/new-migration.mjs";

describe("committed migrations", () => {
  it("match prisma/schema.prisma (run `npm run db:migration -- NAME` after a schema change)", () => {
    expect(pendingSchemaSql()).toBe("");
  }, 30_000);
});
