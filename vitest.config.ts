import { defineConfig } from "vitest/config";
import { repoAlias } from "./vitest.alias";
import { detectPartsOnce } from "./tests/helpers/external-parts";

// Files whose assertions are about timing (lateness, missed slots, measurement error under load,
// six agents handing over leases):
// they run after the others, one at a time, so they never share the two cores with another file.
// The core integration suite, run a second time on PostgreSQL (tests/helpers/temp-db.ts reads the provider).
const ON_POSTGRES = [
  "tests/integration/result-writer.test.ts",
  "tests/integration/config-sync.test.ts",
  "tests/integration/agent-flapping.test.ts",
  "tests/integration/agent-restart.test.ts",
  "tests/integration/public-api.test.ts",
  "tests/integration/web-status-page.test.ts",
  "tests/integration/badges.test.ts",
  "tests/integration/incident-automation.test.ts",
  "tests/integration/dependency-incidents.test.ts",
  "tests/integration/notification-delivery.test.ts",
  "tests/integration/auth.test.ts",
  "tests/integration/admin-security.test.ts",
  "tests/integration/maintenance-and-links.test.ts",
];

const TIMING = [
  "tests/integration/regions-quorum.test.ts",
  "tests/integration/target-faults.test.ts",
  "tests/integration/crash-safety.test.ts",
  "tests/integration/load-under-probing.test.ts",
];

// PostgreSQL, Chromium, promtool and docker-registry: looked for once here (tests/helpers/external-parts.ts);
// without PostgreSQL the `postgres` project is left out, and tests/global-setup.ts reports what is missing.
const parts = await detectPartsOnce();
const hasPostgres = !parts.find((p) => p.part === "postgres")?.reason;

export default defineConfig({
  resolve: { alias: repoAlias },
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
      ...(hasPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                include: ON_POSTGRES,
                // Short leases, so an agent restarted by a test takes its monitors back within 2.5 s (default 15 s).
                env: { TEST_DATABASE_PROVIDER: "postgresql", LEASE_TTL_MS: "2000", LEASE_RENEW_MS: "500" },
                sequence: { groupOrder: 0 },
              },
            },
          ]
        : []),
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
