import { defineConfig } from 'vitest/config';
import { LaneSequencer } from './tools/vitest/sequencer.js';

// One run, three projects: `unit` specs sit next to what they test (in src/, test-support/,
// bench/, tools/, or a vendored package's test/) and need nothing; `integration` suites live in
// each package's test/ folder and share one real broker, started (or reused, when KAFKA_BROKERS is
// set) by the global setup; `k8s` suites (test/k8s/ folders and tools/k8s/test) also share one
// real kube-apiserver. They run in that order: the first run builds kube-apiserver (about 10
// minutes on 2 cores, started in the background by `npm test`'s setup step), and the k8s suites
// wait for it last, while everything else runs. Unit specs and most integration suites run two
// files at a time; the timing-heavy integration suites run one at a time, last (tools/vitest/lanes.ts).
export default defineConfig({
  resolve: { conditions: ['lagscale-source'] },
  ssr: { resolve: { conditions: ['lagscale-source'] } },
  test: {
    reporters: process.env.CI ? ['default', 'json'] : ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    sequence: { sequencer: LaneSequencer },
    // Two test files at a time (unit, integration); `--maxWorkers=1` runs one at a time again.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{libs,apps,tools,load}/**/*.spec.ts', 'deploy/*/test/**/*.spec.ts', 'vendor/*/test/**/*.spec.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{libs,apps,deploy}/*/test/**/*.test.ts', 'load/test/**/*.test.ts', 'tools/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/test/k8s/**'],
          globalSetup: ['tools/kafka/vitest-global-setup.ts', 'tools/vitest/exclusive-lock.ts'],
          setupFiles: ['tools/vitest/exclusive-lock-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // The broker and the machine (2 cores) are shared: two files at a time, but the suites
          // that start fleets, rebalance or load (tools/vitest/lanes.ts) never beside each other.
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'k8s',
          include: ['{libs,apps}/*/test/k8s/**/*.test.ts', 'tools/k8s/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          globalSetup: ['tools/kafka/vitest-global-setup.ts', 'tools/k8s/vitest-global-setup.ts'],
          testTimeout: 120_000,
          // A suite's beforeAll waits for the kube-apiserver build on a cold machine.
          hookTimeout: 2_700_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
