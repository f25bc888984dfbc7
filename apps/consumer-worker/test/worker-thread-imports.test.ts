import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtInHandlerNames } from '../src/handlers/registry.js';
import { pooledRecordsOf, type DispatchRecord } from '../src/pool/executor.js';
import { WorkerPool } from '../src/pool/worker-pool.js';
import { chainTo, importGraph } from '../test-support/import-graph.js';
import { testHandler } from '../test-support/test-handlers.js';

// What a worker thread loads. Threads start often (pool start, a replacement after a crash) and
// run next to the fetch loop, so they load only what the handler path needs: kafka-core's
// `./thread` entry, never its main one, and codecs' `./value` entry, never the compression codecs
// that register on kafkajs.

/** Packages of kafka-core's and codecs' main entries that no thread may load. */
const SERVER_PACKAGES = ['kafkajs', 'fastify', 'pino', 'prom-client', 'commander'];

const threadEntry = fileURLToPath(new URL('../src/pool/worker.ts', import.meta.url));

describe('worker threads: imports', () => {
  it('statically: thread code (the worker and every built-in handler) reaches no server package and no kafkajs', () => {
    // The worker imports the registry, which imports every built-in handler on demand.
    const graph = importGraph([threadEntry]);
    const npm = [...graph.keys()].filter((m) => m.startsWith('npm:'));
    const forbidden = npm.filter((m) => SERVER_PACKAGES.includes(m.slice(4)));
    expect(forbidden.map((m) => chainTo(graph, m).map((f) => f.replace(/.*\/(apps|libs)\//, '$1/')).join(' → '))).toEqual([]);
    // the walk does see the thread's own dependencies and kafka-core's thread entry
    expect(npm).toContain('npm:piscina');
    expect([...graph.keys()].some((m) => m.endsWith('libs/kafka-core/src/thread/index.ts'))).toBe(true);
    expect([...graph.keys()].some((m) => m.endsWith('libs/kafka-core/src/index.ts'))).toBe(false);
    expect([...graph.keys()].some((m) => m.endsWith('libs/codecs/src/value/index.ts'))).toBe(true);
    expect([...graph.keys()].some((m) => m.endsWith('libs/codecs/src/index.ts'))).toBe(false);
  });

  const record: DispatchRecord = {
    topic: 'imports',
    partition: 0,
    offset: 0,
    key: Buffer.from('k'),
    value: Buffer.from(JSON.stringify({ sensorId: 's', type: 'temperature', value: 21, ts: 1, userId: 'u', action: 'view' })),
    headers: { 'content-type': 'application/json' },
    timestamp: '1700000000000',
    attempt: 1,
  };

  async function packagesLoadedRunning(handler: string, options: Record<string, string> = {}): Promise<string[]> {
    const pool = new WorkerPool({ threads: 1, handler: testHandler('loaded-packages'), handlerOptions: { handler, ...options } });
    try {
      await pool.start();
      const [outcome] = await pool.run(pooledRecordsOf([record]));
      if (outcome?.status !== 'failed') throw new Error(`the probe reports through a failure, got ${JSON.stringify(outcome)}`);
      return JSON.parse(outcome.error) as string[];
    } finally {
      await pool.close();
    }
  }

  it.each(builtInHandlerNames)('at run time: a thread running %s has loaded no server package and no kafkajs', { timeout: 30_000 }, async (handler) => {
    const loaded = await packagesLoadedRunning(handler, handler === 'cpu' ? { costUs: '1', calibrateMs: '5' } : handler === 'io-wait' ? { waitMs: '0' } : {});
    expect(loaded.filter((name) => SERVER_PACKAGES.includes(name))).toEqual([]);
    expect(loaded).toContain('piscina');
  });

  it('the probe sees vendored packages: the main thread, which imported kafkajs, lists it', async () => {
    const { loadedPackages } = await import('../test-support/handlers/loaded-packages.js');
    await import('kafkajs');
    expect(loadedPackages()).toContain('kafkajs');
  });
});
