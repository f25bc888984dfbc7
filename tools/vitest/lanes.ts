// How the integration project shares a 2-core machine. Most suites wait on the broker far more
// than they compute, so two files run at a time; the suites listed here start fleets, drive
// rebalances, lag-based scaling or load runs, and none of them runs beside another one of them:
// the sequencer puts them last and a lock held for the whole file lets one in at a time (so at
// most the tail of the other suites overlaps the first of them). A new suite that starts a fleet
// of processes, a load run or anything timing-heavy belongs in this list.
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const exclusiveSuites: readonly string[] = [
  'apps/consumer-worker/test/bounded-memory.test.ts',
  'apps/consumer-worker/test/broker-restart.test.ts',
  'apps/consumer-worker/test/crash-restart.test.ts',
  'apps/consumer-worker/test/graceful-stop.test.ts',
  'apps/consumer-worker/test/keyed-state.test.ts',
  'apps/consumer-worker/test/no-loss-key-order.test.ts',
  'apps/consumer-worker/test/rebalance-during-load.test.ts',
  'apps/lag-monitor/test/demo.test.ts',
  'apps/lag-monitor/test/local-scaling.test.ts',
  'apps/producer-gen/test/ingest-broker-down.test.ts',
  'apps/producer-gen/test/run-broker-restart.test.ts',
  'load/test/chaos.test.ts',
  'load/test/load-smoke.test.ts',
];

/** Environment variable naming the 127.0.0.1 port of the exclusive-suite lock (global setup sets it). */
export const exclusiveLockPortEnv = 'LAGSCALE_EXCLUSIVE_LOCK_PORT';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Whether the test file (an absolute path) is one of the exclusive suites. */
export function isExclusiveSuite(file: string): boolean {
  return exclusiveSuites.includes(relative(repoRoot, file).split(sep).join('/'));
}
