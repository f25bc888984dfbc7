import { fileURLToPath } from 'node:url';

/** The file a piscina thread loads and the Node flags it starts with. */
export interface WorkerEntry {
  filename: string;
  execArgv: string[];
}

const SOURCE_CONDITION = 'lagscale-source';

/**
 * Where the worker-thread code is, given the URL of the module asking (`worker-pool`):
 * - built (`dist/pool/worker-pool.js`): the compiled `worker.js` next to it, with the
 *   process's own flags;
 * - TypeScript sources (`src/pool/worker-pool.ts`, under tsx or vitest): `worker-bootstrap.mjs`,
 *   which registers tsx when the thread lacks it, plus `--conditions=lagscale-source` so the
 *   workspace libraries resolve to their sources in the thread as they do here.
 */
export function workerEntry(moduleUrl: string, execArgv: readonly string[] = process.execArgv): WorkerEntry {
  if (!moduleUrl.endsWith('.ts')) {
    return { filename: fileURLToPath(new URL('./worker.js', moduleUrl)), execArgv: [...execArgv] };
  }
  const hasCondition = execArgv.some((arg, i) => arg.endsWith(`=${SOURCE_CONDITION}`) || (arg.match(/^(-C|--conditions)$/) !== null && execArgv[i + 1] === SOURCE_CONDITION));
  return {
    filename: fileURLToPath(new URL('./worker-bootstrap.mjs', moduleUrl)),
    execArgv: hasCondition ? [...execArgv] : [...execArgv, `--conditions=${SOURCE_CONDITION}`],
  };
}
