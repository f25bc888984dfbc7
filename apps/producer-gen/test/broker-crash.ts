// SIGKILL for a throwaway broker: the crash the reliability suites ride through.
import { connect } from 'node:net';
import { killBroker } from '../../../tools/kafka/embedded-broker.js';
import { waitFor } from '@lagscale/kafka-core/testing';

/** True only for a refused connection: a reset or a timeout can come from a listener still closing. */
function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/**
 * SIGKILLs the broker whose data dir is `dataDir` and resolves once every thread of its process
 * is gone and its port refuses connections, so the same broker can be started again at once.
 */
export async function sigkillBroker(dataDir: string, port: number): Promise<void> {
  await killBroker(dataDir, 30_000);
  await waitFor(() => portRefuses(port), { timeoutMs: 30_000, description: `port ${port} of the killed broker closed` });
}
