import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppError } from '@lagscale/kafka-core/errors';

// This file sits at apps/lag-monitor/{src,dist}/actuators/: four levels below the repo root.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The consumer-worker CLI of this checkout, as a local replica runs it. */
export const CONSUMER_WORKER_MAIN = fileURLToPath(new URL('apps/consumer-worker/src/cli/main.ts', pathToFileURL(repoRoot)));

/**
 * The command that runs consumer-worker from this checkout: from source with tsx
 * (`node --conditions=lagscale-source --import tsx apps/consumer-worker/src/cli/main.ts`), with
 * every path absolute so it works from any working directory. tsx is resolved from the repo
 * root for the same reason: `--import tsx` alone resolves from the cwd.
 */
export function consumerWorkerCommand(): { command: string; args: string[] } {
  if (!existsSync(CONSUMER_WORKER_MAIN)) {
    throw new AppError('CONFIG_INVALID', `local actuator: consumer-worker not found at ${CONSUMER_WORKER_MAIN} (it runs from a full checkout)`, { retriable: false });
  }
  let tsx: string;
  try {
    tsx = createRequire(`${repoRoot}package.json`).resolve('tsx');
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `local actuator: tsx is not installed in ${repoRoot} (run npm install)`, { cause: err, retriable: false });
  }
  return { command: process.execPath, args: ['--conditions=lagscale-source', '--import', pathToFileURL(tsx).href, CONSUMER_WORKER_MAIN] };
}
