import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: timing-sensitive integration tests stay honest with at most two files at once.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ["default"],
    globalSetup: ["tests/global-setup.ts"],
  },
});
