import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The npm packages a fresh Node process has loaded after importing `specifier` from kafka-core's
 * folder: those under node_modules, and vendored ones (kafkajs resolves to vendor/kafkajs).
 */
async function packagesLoadedBy(specifier: string): Promise<string[]> {
  // kafkajs, fastify, pino and prom-client are CommonJS: whatever loads them puts them in require.cache
  const script = [
    "import { createRequire } from 'node:module';",
    `await import(${JSON.stringify(specifier)});`,
    'const names = Object.keys(createRequire(import.meta.url).cache).map((file) => /(?:node_modules|vendor)\\/((?:@[^/]+\\/)?[^/]+)/.exec(file)?.[1]);',
    "console.log(JSON.stringify([...new Set(names.filter((name) => name !== undefined && name !== 'tsx' && name !== 'esbuild'))]));",
  ].join('\n');
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: packageDir });
  return JSON.parse(stdout) as string[];
}

describe('@lagscale/kafka-core/thread', () => {
  it('loads no npm package, while the main entry loads kafkajs, pino and prom-client', { timeout: 30_000 }, async () => {
    const [thread, main] = await Promise.all([packagesLoadedBy('@lagscale/kafka-core/thread'), packagesLoadedBy('@lagscale/kafka-core')]);
    expect(thread).toEqual([]);
    // the probe itself works: the same check sees what the main entry loads
    expect(main).toEqual(expect.arrayContaining(['kafkajs', 'pino', 'prom-client']));
    // ...and not what is loaded on use (a replica's start pays for it otherwise: decision 0026):
    // fastify by createOpsServer, pino-pretty for a terminal, the compression libraries at the
    // first compressed batch
    expect(main.filter((name) => ['fastify', 'pino-pretty', 'msgpackr', 'snappy', 'lz4-napi', '@mongodb-js/zstd'].includes(name))).toEqual([]);
  });

  it('exports what worker threads use', async () => {
    const thread = await import('@lagscale/kafka-core/thread');
    expect(new thread.AppError('CONFIG_INVALID', 'x')).toMatchObject({ code: 'CONFIG_INVALID', retriable: false });
    expect(new thread.BucketCounts([1]).snapshot()).toEqual({ bounds: [1], counts: [0, 0], sum: 0, count: 0 });
    expect(thread.SEQUENCE_HEADERS.seq).toBe('lagscale-seq');
  });
});
