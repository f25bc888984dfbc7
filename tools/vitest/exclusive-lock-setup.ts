// Setup file of the integration project: an exclusive suite (lanes.ts) takes the lock before its
// own hooks run and gives it back after its last one; other suites do not touch it.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { exclusiveLockPortEnv, isExclusiveSuite } from './lanes.js';

// Long enough for every other exclusive suite to finish first; a wait, not a test's time.
const lockWaitMs = 60 * 60_000;

let held: Socket | undefined;

// (vitest passes the file's suite second; the first parameter must be a destructuring pattern)
// eslint-disable-next-line no-empty-pattern
beforeAll(async ({}, suite) => {
  const port = Number(process.env[exclusiveLockPortEnv]);
  if (!Number.isInteger(port) || port <= 0 || !isExclusiveSuite(suite.file.filepath)) return;
  held = await acquire(port);
}, lockWaitMs);

afterAll(() => {
  held?.destroy();
  held = undefined;
});

function acquire(port: number): Promise<Socket> {
  return new Promise((granted, fail) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('data', () => granted(socket));
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('exclusive-suite lock: the lock server closed the connection')));
  });
}
