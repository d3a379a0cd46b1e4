import { defineConfig } from 'vitest/config';

/**
 * Three tiers, run together by `npm test`: `unit` (pure logic and in-memory stores; no Java, no
 * emulators), `infra` (template assertions) and `integration` (the emulators, Cassandra, DuckDB,
 * parquet-java). Only the integration tier starts Cassandra, so `npx vitest run --project unit`
 * needs nothing but Node.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/cassandra.global-setup.ts'],
        },
      },
    ],
  },
});
