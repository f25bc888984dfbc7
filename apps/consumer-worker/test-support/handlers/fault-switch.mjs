// A test handler that a chaos driver steers from outside the replicas, through files in a control
// directory shared by every replica and thread. Plain ESM, not TypeScript: a replica started from
// built JavaScript (the local actuator's default) loads a handler module with Node's own loader.
//
// Options (CONSUMER_HANDLER_OPTIONS):
//   controlDir  the directory watched (required)
//   waitMs      wait per record, like io-wait (default 2): a replica's throughput is then at most
//               threads × 1000 / waitMs records/s, which the duplicate bound uses
//   pollMs      how often a thread looks at the directory (default 100)
// Files in controlDir:
//   slow                holds a number: every record waits that many ms more while the file exists
//   kill-thread-<id>    the first thread to see it deletes it and ends itself (process.exit(1) in a
//                       worker ends only that thread); the deletion is atomic, so exactly one
//                       thread of the whole fleet dies per file
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { passThrough } from '@lagscale/consumer-worker/handlers';

export const SLOW_FILE = 'slow';
export const KILL_THREAD_PREFIX = 'kill-thread-';

function number(options, name, fallback) {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`fault-switch: ${name} must be a number ≥ 0 (got "${raw}")`);
  return value;
}

/** Claims one kill-thread file: true for exactly one caller per file, fleet-wide. */
function claimKill(controlDir) {
  let names;
  try {
    names = readdirSync(controlDir);
  } catch {
    return false;
  }
  for (const name of names) {
    if (!name.startsWith(KILL_THREAD_PREFIX)) continue;
    try {
      unlinkSync(join(controlDir, name));
      return true;
    } catch {
      // another thread took it first
    }
  }
  return false;
}

function readSlowMs(controlDir) {
  try {
    const ms = Number(readFileSync(join(controlDir, SLOW_FILE), 'utf8').trim());
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  } catch {
    return 0;
  }
}

export default function createFaultSwitchHandler(options) {
  const known = new Set(['controlDir', 'waitMs', 'pollMs']);
  for (const name of Object.keys(options)) if (!known.has(name)) throw new Error(`fault-switch: unknown option "${name}" (known: ${[...known].join(', ')})`);
  const { controlDir } = options;
  if (controlDir === undefined || controlDir === '') throw new Error('fault-switch: controlDir is required');
  const waitMs = number(options, 'waitMs', 2);
  const pollMs = number(options, 'pollMs', 100);
  let nextPollMs = 0;
  let slowMs = 0;
  return {
    readsValue: false,
    async handle(record) {
      const now = Date.now();
      if (now >= nextPollMs) {
        nextPollMs = now + pollMs;
        if (claimKill(controlDir)) process.exit(1);
        slowMs = readSlowMs(controlDir);
      }
      const wait = waitMs + slowMs;
      if (wait > 0) await sleep(wait);
      return [passThrough(record)];
    },
  };
}
