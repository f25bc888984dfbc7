import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what the last full collection kept, in percent. Its own
 * rule on a machine with GBs of memory is up to 4×: at 5,000 partitions × 50 groups each cycle
 * promoted ~100 MB of collection and derive objects, and the heap grew from 117 MB live to
 * 340 MB before a full collection. Measured on the CLI there (decision 0025): V8's rule 625 MB
 * peak RSS and 1.71 s of CPU per cycle, 100 % 480 MB and 1.68 s, 25 % 406 MB but 2.39 s. Once a
 * cycle's commits were columns (live heap ~45 MB): 100 % 298–320 MB, 50 % 275–292 MB for ~4 %
 * more CPU per cycle (1.37–1.47 against 1.32–1.42 s).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Sets V8's heap growing factor for this process unless node was started with one
 * (`--heap-growing-percent` on the command line or in NODE_OPTIONS). V8 reads it after every full
 * collection, so setting it at start-up takes effect.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  const given = [...execArgv, nodeOptions].some((option) => /heap[-_]growing[-_]percent/.test(option));
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return !given;
}
