import { defineConfig } from 'vitest/config';

// One run, two projects: `unit` specs sit next to their source (a vendored package's in its test/
// folder) and need nothing; `integration` suites live in each package's test/ folder and share one
// real broker, started (or reused, when KAFKA_BROKERS is set) by the global setup.
export default defineConfig({
  resolve: { conditions: ['lagscale-source'] },
  ssr: { resolve: { conditions: ['lagscale-source'] } },
  test: {
    reporters: process.env.CI ? ['default', 'json'] : ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{libs,apps,tools,load}/**/src/**/*.spec.ts', 'tools/**/*.spec.ts', 'vendor/*/test/**/*.spec.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{libs,apps}/*/test/**/*.test.ts', 'tools/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          globalSetup: ['tools/kafka/vitest-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // The broker and the machine (2 cores) are shared: run files one at a time so timing-
          // sensitive suites (rebalances, lag) are not starved by each other.
          fileParallelism: false,
        },
      },
    ],
  },
});
