import { describe, expect, it } from "vitest";
import { pendingSchemaSql } from "@/scripts/new-migration.mjs";
import { derivedSchemasInSync } from "@/scripts/prisma-schemas.mjs";
import { missing } from "../helpers/external-parts";

// `npm run db:migration -- NAME` regenerates all of these from prisma/schema.prisma.
describe("committed migrations", () => {
  it("prisma/postgresql/schema.prisma is the one derived from prisma/schema.prisma", () => {
    expect(derivedSchemasInSync()).toBe(true);
  });

  it("SQLite migrations match prisma/schema.prisma", () => {
    expect(pendingSchemaSql("sqlite")).toBe("");
  }, 30_000);

  // The PostgreSQL diff connects to a server (the JS schema engine does): the one of the test suite.
  it.skipIf(missing("postgres"))(
    "PostgreSQL migrations match prisma/postgresql/schema.prisma",
    () => {
      expect(pendingSchemaSql("postgresql")).toBe("");
    },
    30_000,
  );
});
