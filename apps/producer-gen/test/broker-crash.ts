// SIGKILL for a throwaway broker: the crash the reliability suites ride through.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { waitFor } from '@lagscale/kafka-core/testing';

// A killed process no one has reaped yet is a zombie: gone for this purpose.
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/**
 * SIGKILLs the broker whose data dir is `dataDir` and resolves once its process is gone and its
 * port refuses connections, so the same broker can be started again at once.
 */
export async function sigkillBroker(dataDir: string, port: number): Promise<void> {
  const pid = Number((await readFile(join(dataDir, 'kafka.pid'), 'utf8')).trim());
  process.kill(pid, 'SIGKILL');
  await waitFor(async () => !isAlive(pid) && (await portRefuses(port)), { timeoutMs: 30_000, description: `broker pid ${pid} gone and port ${port} closed` });
}
