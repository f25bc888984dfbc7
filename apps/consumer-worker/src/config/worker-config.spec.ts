import { Command } from 'commander';
import { ConfigError, flagSource, flagsFor, addEnvOptions } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { defaultBackpressureOptions, defaultDispatcherOptions, defaultRetryOptions } from '../dispatch/index.js';
import { defaultWorkerPoolOptions } from '../pool/pool-options.js';
import { addRenamedWorkerFlags, loadWorkerSettings, workerEnv } from './worker-config.js';

const base = { CONSUMER_TOPIC: 'in' };

function load(source: Record<string, string>) {
  const deprecated: string[] = [];
  const settings = loadWorkerSettings({ ...base, ...source }, (line) => deprecated.push(line));
  return { settings, deprecated };
}

describe('loadWorkerSettings', () => {
  it('takes its defaults from the options types’ defaults objects', () => {
    const { settings } = load({});
    expect(settings).toMatchObject({
      threads: defaultWorkerPoolOptions.threads,
      handler: defaultWorkerPoolOptions.handler,
      chunkSize: defaultDispatcherOptions.chunkSize,
      ordering: defaultDispatcherOptions.ordering,
      highWaterMark: defaultBackpressureOptions.highWaterMark,
      lowWaterMark: defaultBackpressureOptions.lowWaterMark,
      maxUncommittedRecords: defaultBackpressureOptions.maxUncommittedRecords,
      maxUncommittedBytes: defaultBackpressureOptions.maxUncommittedBytes,
      maxAttempts: defaultRetryOptions.maxAttempts,
      retryBaseMs: defaultRetryOptions.retryBaseMs,
      retryMaxMs: defaultRetryOptions.retryMaxMs,
      dlqTopic: 'in.dlq',
    });
  });

  const renamed: Array<{ name: string; source: Record<string, string>; records: number; bytes: number; deprecated: string[] }> = [
    { name: 'new names', source: { CONSUMER_MAX_UNCOMMITTED_RECORDS: '700', CONSUMER_MAX_UNCOMMITTED_BYTES: '4096' }, records: 700, bytes: 4_096, deprecated: [] },
    {
      name: 'old names, read as the new ones',
      source: { CONSUMER_MAX_IN_FLIGHT_RECORDS: '700', CONSUMER_MAX_IN_FLIGHT_BYTES: '4096' },
      records: 700,
      bytes: 4_096,
      deprecated: [
        'CONSUMER_MAX_IN_FLIGHT_RECORDS / --max-in-flight-records is deprecated: use CONSUMER_MAX_UNCOMMITTED_RECORDS / --max-uncommitted-records (read as it for now)',
        'CONSUMER_MAX_IN_FLIGHT_BYTES / --max-in-flight-bytes is deprecated: use CONSUMER_MAX_UNCOMMITTED_BYTES / --max-uncommitted-bytes (read as it for now)',
      ],
    },
    {
      name: 'both: the new name wins',
      source: { CONSUMER_MAX_IN_FLIGHT_RECORDS: '700', CONSUMER_MAX_UNCOMMITTED_RECORDS: '900' },
      records: 900,
      bytes: defaultBackpressureOptions.maxUncommittedBytes,
      deprecated: ['CONSUMER_MAX_IN_FLIGHT_RECORDS / --max-in-flight-records is deprecated and ignored: CONSUMER_MAX_UNCOMMITTED_RECORDS / --max-uncommitted-records is set'],
    },
  ];
  it.each(renamed)('renamed settings: $name', ({ source, records, bytes, deprecated }) => {
    const loaded = load(source);
    expect({ records: loaded.settings.maxUncommittedRecords, bytes: loaded.settings.maxUncommittedBytes }).toEqual({ records, bytes });
    expect(loaded.deprecated).toEqual(deprecated);
  });

  it('checks a value given under an old name like the new one', () => {
    expect(() => load({ CONSUMER_MAX_IN_FLIGHT_RECORDS: 'lots' })).toThrow(ConfigError);
    expect(() => load({ CONSUMER_MAX_IN_FLIGHT_RECORDS: 'lots' })).toThrow(/CONSUMER_MAX_UNCOMMITTED_RECORDS must be a positive integer \(got "lots"\)/);
  });

  it('reads the old flags, hidden from --help, as the new settings', () => {
    const program = new Command('consumer-worker').exitOverride();
    const bindings = [...addEnvOptions(program, flagsFor(workerEnv)), ...addRenamedWorkerFlags(program)];
    program.parse(['--topic', 'in', '--max-in-flight-records', '1234'], { from: 'user' });
    const deprecated: string[] = [];
    const settings = loadWorkerSettings(flagSource(bindings, program.opts(), {}), (line) => deprecated.push(line));
    expect(settings.maxUncommittedRecords).toBe(1_234);
    expect(deprecated).toHaveLength(1);
    expect(program.helpInformation()).toContain('--max-uncommitted-records');
    expect(program.helpInformation()).not.toContain('--max-in-flight-records');
  });

  const chunkSizes: Array<{ raw: string; chunkSize: number | 'auto' }> = [
    { raw: 'auto', chunkSize: 'auto' },
    { raw: ' AUTO ', chunkSize: 'auto' },
    { raw: '1', chunkSize: 1 },
    { raw: '1024', chunkSize: 1_024 },
  ];
  it.each(chunkSizes)('reads CONSUMER_CHUNK_SIZE="$raw" as $chunkSize', ({ raw, chunkSize }) => {
    expect(load({ CONSUMER_CHUNK_SIZE: raw }).settings.chunkSize).toBe(chunkSize);
  });

  it.each(['0', '100001', 'big', '12.5'])('rejects CONSUMER_CHUNK_SIZE="%s" naming the setting', (raw) => {
    expect(() => load({ CONSUMER_CHUNK_SIZE: raw })).toThrow(`CONSUMER_CHUNK_SIZE must be auto or an integer from 1 to 100000 (got "${raw}")`);
  });

  it('takes one topic or a pattern, never both nor neither', () => {
    expect(load({}).settings).toMatchObject({ subscription: { kind: 'topic', topic: 'in' }, dlqTopic: 'in.dlq' });
    const pattern = loadWorkerSettings({ CONSUMER_TOPIC_PATTERN: 'orders-.*', CONSUMER_TOPIC_REFRESH_INTERVAL_MS: '500' });
    expect(pattern).toMatchObject({ subscription: { kind: 'pattern', source: 'orders-.*' }, dlqTopic: undefined, topicRefreshIntervalMs: 500 });
    expect(() => loadWorkerSettings({ CONSUMER_TOPIC: 'in', CONSUMER_TOPIC_PATTERN: 'orders-.*' })).toThrow(/CONSUMER_TOPIC and CONSUMER_TOPIC_PATTERN exclude each other/);
    expect(() => loadWorkerSettings({})).toThrow(/CONSUMER_TOPIC is required \(Topic to consume\), or CONSUMER_TOPIC_PATTERN/);
    expect(() => loadWorkerSettings({ CONSUMER_TOPIC_PATTERN: 'orders-(' })).toThrow(/CONSUMER_TOPIC_PATTERN must be a regular expression \(got "orders-\("/);
  });
});
