import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppError } from '@lagscale/kafka-core/errors';

// This file sits at apps/lag-monitor/{src,dist}/actuators/: four levels below the repo root.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The consumer-worker CLI of this checkout, from source (run through tsx). */
export const CONSUMER_WORKER_MAIN = join(repoRoot, 'apps/consumer-worker/src/cli/main.ts');
/** The consumer-worker CLI of this checkout, built (`nx run @lagscale/consumer-worker:build`). */
export const CONSUMER_WORKER_BUILT_MAIN = join(repoRoot, 'apps/consumer-worker/dist/cli/main.js');

/**
 * What the built CLI runs: each package's built entry and its sources. The build is fresh when
 * every entry exists and is no older than the newest source file of its package.
 */
const builtPackages = [
  { dir: 'apps/consumer-worker', entry: 'dist/cli/main.js' },
  { dir: 'libs/kafka-core', entry: 'dist/index.js' },
  { dir: 'libs/codecs', entry: 'dist/index.js' },
] as const;

export type ConsumerWorkerSource = 'built' | 'source';

export interface ConsumerWorkerCommand {
  command: string;
  args: string[];
  /** `built`: node on the built JavaScript; `source`: node with tsx on the TypeScript sources. */
  from: ConsumerWorkerSource;
}

/**
 * The command that runs consumer-worker from this checkout, with every path absolute so it works
 * from any working directory. `auto` (the default) runs the built JavaScript when the build is
 * fresh (see {@link consumerWorkerBuildIsFresh}) and the sources through tsx otherwise: a replica
 * started from built code is ready sooner and costs the machine less CPU (no TypeScript
 * transform in the process or its worker threads; decision 0018). tsx is resolved from the repo
 * root, since `--import tsx` alone resolves from the cwd.
 */
export function consumerWorkerCommand(options: { from?: ConsumerWorkerSource | 'auto' } = {}): ConsumerWorkerCommand {
  const from = options.from ?? 'auto';
  if (from === 'built' || (from === 'auto' && consumerWorkerBuildIsFresh())) {
    if (!existsSync(CONSUMER_WORKER_BUILT_MAIN)) {
      throw new AppError('CONFIG_INVALID', `local actuator: consumer-worker is not built (${CONSUMER_WORKER_BUILT_MAIN} is missing; run npx nx run @lagscale/consumer-worker:build)`, {
        retriable: false,
      });
    }
    return { command: process.execPath, args: [CONSUMER_WORKER_BUILT_MAIN], from: 'built' };
  }
  if (!existsSync(CONSUMER_WORKER_MAIN)) {
    throw new AppError('CONFIG_INVALID', `local actuator: consumer-worker not found at ${CONSUMER_WORKER_MAIN} (it runs from a full checkout)`, { retriable: false });
  }
  let tsx: string;
  try {
    tsx = createRequire(`${repoRoot}package.json`).resolve('tsx');
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `local actuator: tsx is not installed in ${repoRoot} (run npm install)`, { cause: err, retriable: false });
  }
  return { command: process.execPath, args: ['--conditions=lagscale-source', '--import', pathToFileURL(tsx).href, CONSUMER_WORKER_MAIN], from: 'source' };
}

/**
 * Whether the built consumer-worker (and the libraries it loads) is at least as new as every
 * source file it was built from. A few hundred stat calls: cheap enough for each actuator start.
 */
export function consumerWorkerBuildIsFresh(root: string = repoRoot): boolean {
  return builtPackages.every(({ dir, entry }) => {
    const built = mtimeMs(join(root, dir, entry));
    return built !== undefined && newestSourceMs(join(root, dir, 'src')) <= built;
  });
}

function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Newest mtime of the .ts files under dir that a build compiles (specs are not built). */
function newestSourceMs(dir: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, mtimeMs(path) ?? 0);
  }
  return newest;
}
