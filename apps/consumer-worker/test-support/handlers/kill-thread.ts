import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseHandlerOptions, passThrough, type Handler, type HandlerFactory, type HandlerRecord } from '@lagscale/consumer-worker/handlers';
import { hasMarker } from './marker.js';

const optionsSchema = z.object({
  marker: z.string().min(1).default('kill'),
  passThrough: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  /**
   * A directory: kill only the first time a marked record runs, across every thread and retry
   * (a flag file per record, created exclusively, remembers it). Unset: kill on every attempt 1.
   */
  onceDir: z.string().min(1).optional(),
});

/** True the first time it is called for this record in any thread of any process sharing `dir`. */
function firstRun(dir: string, record: HandlerRecord): boolean {
  try {
    closeSync(openSync(path.join(dir, `${record.topic}-${record.partition}-${record.offset}`), 'wx'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends its worker thread (`process.exit(1)`, which in a worker stops only that thread) on a
 * record carrying the marker: on its attempt 1, or with `onceDir` only on its first run. The
 * dispatcher does not count a crash as an attempt, so a re-run after a crash is attempt 1 again:
 * without `onceDir` the record keeps crashing until it is dead-lettered; with it, the re-run of
 * the chunk goes through, so a test sees the crash, the retry and the pool's recovery.
 */
const createKillThreadHandler: HandlerFactory = (options): Handler => {
  const { marker, passThrough: emit, onceDir } = parseHandlerOptions('kill-thread', optionsSchema, options);
  return {
    handle(record) {
      if (record.attempt === 1 && hasMarker(record, marker) && (onceDir === undefined || firstRun(onceDir, record))) process.exit(1);
      return emit ? [passThrough(record)] : undefined;
    },
  };
};

export default createKillThreadHandler;
