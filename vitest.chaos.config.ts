import { defineConfig } from "vitest/config";
import { repoAlias } from "./vitest.alias";

// `npm run test:chaos`: the long crash-safety runs (tests/chaos/*.chaos.ts), kept out of the normal
// suite by their suffix (vitest.config.ts includes tests/**/*.test.ts only). One file at a time:
// they kill processes and measure probe timing, and the whole run is bounded to 15 minutes by the
// per-test timeouts in the files.
export default defineConfig({
  resolve: { alias: repoAlias },
  test: {
    include: ["tests/chaos/**/*.chaos.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
    fileParallelism: false,
    reporters: ["default"],
    globalSetup: ["tests/global-setup.ts"],
  },
});
