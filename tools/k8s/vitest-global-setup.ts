import type { TestProject } from 'vitest/node';
import { K8S_ENV, startBackgroundInstall, stopApiServer } from './api-server.js';

/**
 * The k8s suites share one kube-apiserver per run. Global setups all run before any test, so
 * this one must not wait for the build: it only makes sure the build is under way (the setup
 * step of `npm test` normally started it already) and names the run's instance. The first suite
 * that needs the server waits for the build and starts it (apiServerForTests); the teardown
 * stops it, unless K8S_INSTANCE named an instance this run did not own.
 */
export default async function setup(_project: TestProject): Promise<() => Promise<void>> {
  const owned = !process.env[K8S_ENV.instance];
  if (owned) process.env[K8S_ENV.instance] = `vitest-${process.pid}`;
  const instance = process.env[K8S_ENV.instance] ?? 'default';
  await startBackgroundInstall();
  return async () => {
    if (owned) await stopApiServer(instance, (line) => console.log(`[k8s] ${line}`));
  };
}
