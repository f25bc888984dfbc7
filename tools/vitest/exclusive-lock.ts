// Global setup of the integration project: a first-come, first-served lock on 127.0.0.1 that the
// exclusive suites (see lanes.ts) hold for their whole file. A holder is a TCP connection, so a
// worker that dies releases the lock with its socket; nothing polls.
import { createServer, type Socket } from 'node:net';
import { exclusiveLockPortEnv } from './lanes.js';

export default async function setup(): Promise<() => Promise<void>> {
  const waiting: Socket[] = [];
  const sockets = new Set<Socket>();
  let holder: Socket | undefined;

  const grant = (): void => {
    while (holder === undefined && waiting.length > 0) {
      const next = waiting.shift() as Socket;
      if (next.destroyed) continue;
      holder = next;
      next.write('granted\n');
    }
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      sockets.delete(socket);
      if (holder === socket) holder = undefined;
      else if (waiting.includes(socket)) waiting.splice(waiting.indexOf(socket), 1);
      grant();
    });
    waiting.push(socket);
    grant();
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ready());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('exclusive-suite lock: no TCP address');
  process.env[exclusiveLockPortEnv] = String(address.port);

  return async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((closed) => server.close(() => closed()));
  };
}
