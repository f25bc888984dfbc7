import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestKafka, waitFor } from '@lagscale/kafka-core/testing';
import type { IngestService, RecordPosition } from '../src/ingest/index.js';
import { cli, lastJson } from './cli-process.js';
import { post, startService } from './ingest-helpers.js';

// A partitioner no built-in matches: the key's trailing number, plus the value's length, modulo n.
const MODULE_SOURCE = `
export function partition({ key, value, partitionCount }) {
  const digits = /(\\d+)$/.exec(key ?? '')?.[1] ?? '0';
  return (Number(digits) + (value?.length ?? 0)) % partitionCount;
}
`;
const expectedPartition = (key: string, value: Buffer, partitionCount: number) => (Number(/(\d+)$/.exec(key)?.[1] ?? '0') + value.length) % partitionCount;

describe('a module partitioner (--partitioner ./module.mjs)', () => {
  const t = new TestKafka();
  let dir: string;
  let modulePath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'partitioner-module-'));
    modulePath = join(dir, 'trailing-number.mjs');
    await writeFile(modulePath, MODULE_SOURCE);
  });
  afterAll(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function readAll(topic: string, count: number) {
    const { messages } = await t.collect({ topic, groupId: t.groupId('partitioner-readback'), fromBeginning: true });
    await waitFor(() => messages.length >= count, { timeoutMs: 30_000, description: `${count} records read back` });
    return messages;
  }

  it('producer-gen run puts every record on the partition the module names', { timeout: 90_000 }, async () => {
    const topic = await t.createTopic({ partitions: 5, prefix: 'partitioner-run' });
    const run = await cli(['run', '--json', '--topic', topic, '--workload', 'bytes', '--record-bytes', '7', '--keys', '50', '--rate', 'max', '--count', '3000', '--partitioner', modulePath, '--metrics-port', '0']);
    expect(run.code, run.stderr).toBe(0);
    expect(lastJson(run.stdout)).toMatchObject({ acked: 3_000, failed: 0 });
    const messages = await readAll(topic, 3_000);
    expect(messages).toHaveLength(3_000);
    const misplaced = messages.filter((m) => m.partition !== expectedPartition(m.key?.toString() ?? '', m.value ?? Buffer.alloc(0), 5));
    expect(misplaced).toEqual([]);
    // The module spreads the keys, so this says something: every partition got records.
    expect(new Set(messages.map((m) => m.partition)).size).toBe(5);
  });

  it('the ingest answers, and stores, every record on the partition the module names', { timeout: 60_000 }, async () => {
    const topic = await t.createTopic({ partitions: 4, prefix: 'partitioner-ingest' });
    let service: IngestService | undefined;
    try {
      service = await startService({ partitioner: modulePath });
      const records = Array.from({ length: 40 }, (_, i) => ({ key: `sensor-${i}`, value: 'x'.repeat(i % 3), valueEncoding: 'string' }));
      const response = await post(service, topic, { records: [...records, { key: null, value: 'keyless', valueEncoding: 'string' }, { key: 'sensor-1', value: 'y', valueEncoding: 'string', partition: 3 }] });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      const positions = (response.body as { records: RecordPosition[] }).records;
      expect(positions.map((p) => p.partition)).toEqual([
        ...records.map((r) => expectedPartition(r.key, Buffer.from(r.value), 4)),
        expectedPartition('', Buffer.from('keyless'), 4),
        3,
      ]);
      const stored = await readAll(topic, positions.length);
      for (const [i, position] of positions.entries()) {
        const found = stored.find((m) => m.partition === position.partition && m.offset === String(position.offset));
        expect(found?.key?.toString() ?? null, `record ${i}`).toBe(i < records.length ? records[i]?.key : i === records.length ? null : 'sensor-1');
      }
    } finally {
      await service?.stop();
    }
  });

  it('a module path that does not exist stops run with exit 2 and a message naming the setting', { timeout: 30_000 }, async () => {
    const run = await cli(['run', '--topic', 'any', '--count', '1', '--partitioner', join(dir, 'missing.mjs'), '--metrics-port', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--partitioner must be murmur2, round-robin, random or the path of a module exporting a partitioner');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
