import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OVERALL_LABEL } from "@/monitors/queries/overall-status";

describe("favicons", () => {
  it("every overall status the pages can show has its favicon (a missing one is a 404 on every page view)", () => {
    for (const status of Object.keys(OVERALL_LABEL)) expect(existsSync(`public/favicon-${status}.svg`), status).toBe(true);
  });
});
