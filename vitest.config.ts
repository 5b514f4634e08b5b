import { defineConfig } from "vitest/config";

// Files whose assertions are about timing (lateness, missed slots, measurement error under load):
// they run after the others, one at a time, so they never share the two cores with another file.
const TIMING = ["tests/integration/target-faults.test.ts", "tests/integration/crash-safety.test.ts", "tests/integration/load-under-probing.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: timing-sensitive integration tests stay honest with at most two files at once.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ["default"],
    globalSetup: ["tests/global-setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["tests/**/*.test.ts"],
          exclude: TIMING,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "timing",
          include: TIMING,
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
