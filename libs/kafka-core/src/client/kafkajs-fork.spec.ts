import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { reportFatal, EXIT_CODES } from '../lifecycle/run-main.js';
import { createRegistry } from '../observability/metrics.js';
import { assertKafkajsFork, KAFKAJS_FORK, kafkajsFork, kafkajsForkProblems, loadedKafkajs, lookupCodecByAttributes } from './kafkajs-fork.js';

const upstreamLike = (() => {
  const { lagscale: _fork, ...rest } = kafkajs;
  return rest;
})();
const elsewhere = { path: '/srv/app/node_modules/kafkajs', version: '2.2.4' };

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('the loaded kafkajs', () => {
  it('is vendor/kafkajs with every feature the toolkit uses', () => {
    expect(kafkajsForkProblems(kafkajs)).toEqual([]);
    const fork = assertKafkajsFork();
    expect(fork.version).toMatch(/^2\.2\.4-lagscale\.\d+$/);
    expect(fork.features).toEqual(expect.arrayContaining([...KAFKAJS_FORK.features]));
    expect(kafkajsFork()).toBe(fork);
    const loaded = loadedKafkajs();
    expect(loaded).toEqual({ path: expect.stringMatching(/[\\/]vendor[\\/]kafkajs$/), version: fork.version });
  });

  it('keeps its files private: kafkajs/src/... does not resolve', () => {
    const require = createRequire(import.meta.url);
    expect(() => require.resolve('kafkajs/src/consumer/batch.js')).toThrow(expect.objectContaining({ code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }));
  });

  it('looks codecs up by record batch attributes', () => {
    expect(lookupCodecByAttributes(0x10)).toBeNull(); // transactional, uncompressed
    expect(typeof lookupCodecByAttributes(0x01)?.decompress).toBe('function'); // gzip
  });
});

describe('a kafkajs without our changes', () => {
  it('is upstream kafkajs when it has no lagscale export', () => {
    expect(kafkajsForkProblems(upstreamLike)).toEqual([expect.stringMatching(/no `lagscale` export, so it is not vendor\/kafkajs/)]);
    expect(kafkajsForkProblems(undefined)).toHaveLength(1);
  });

  it('names the features an older fork lacks', () => {
    const older = { ...upstreamLike, lagscale: { version: '2.2.4-lagscale.0', features: ['produce-fast-path'], protocol: {} } };
    expect(kafkajsForkProblems(older)).toEqual(['it lacks raw-record-sets, protocol-exports, write-order, idempotent-pipeline (it says it is 2.2.4-lagscale.0)']);
  });

  it('stops an app with KAFKAJS_INCOMPATIBLE, where it came from and how to install ours', () => {
    const error = thrownBy(() => assertKafkajsFork(upstreamLike, elsewhere));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'KAFKAJS_INCOMPATIBLE', retriable: false, details: { path: elsewhere.path, version: '2.2.4' } });
    expect((error as Error).message).toMatch(/^the kafkajs loaded from \/srv\/app\/node_modules\/kafkajs \(version 2\.2\.4\) is not the toolkit's: .*vendor\/kafkajs.*npm ci/);
  });

  it('is reported as one line with its code, no stack', () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const code = reportFatal(thrownBy(() => assertKafkajsFork(upstreamLike, elsewhere)));
      expect(code).toBe(EXIT_CODES.failed);
    } finally {
      write.mockRestore();
    }
    expect(written.join('')).toMatch(/^error \[KAFKAJS_INCOMPATIBLE\]: the kafkajs loaded from [^\n]+\n$/);
  });
});

describe('kafkajs metrics', () => {
  it('name the loaded fork and count its paths', async () => {
    const registry = createRegistry({ app: 'test', defaultMetrics: false });
    const text = await registry.metrics();
    expect(text).toContain(`lagscale_kafkajs_info{version="${kafkajsFork().version}",features="${kafkajsFork().features.join(',')}",app="test"} 1`);
    expect(text).toMatch(/^lagscale_kafkajs_produced_record_batches_total\{app="test"\} \d+$/m);
    expect(text).toMatch(/^lagscale_kafkajs_raw_record_sets_total\{app="test"\} \d+$/m);
  });
});
