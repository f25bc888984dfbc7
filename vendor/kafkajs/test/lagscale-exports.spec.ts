import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LagscaleFork } from '../types/index.js';
import { recordBatch } from './record-batches.js';

// Required as a package user requires it: by name, through package.json's `exports` (the
// package resolves its own name from its root).
const requireFromRoot = createRequire(new URL('../index.js', import.meta.url));
const { lagscale } = requireFromRoot('kafkajs') as { lagscale: LagscaleFork };
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('kafkajs.lagscale', () => {
  it('names this fork: version, upstream version and features, frozen', () => {
    expect({ version: lagscale.version, upstream: lagscale.upstreamVersion, features: lagscale.features }).toEqual({
      version,
      upstream: '2.2.4',
      features: ['produce-fast-path', 'raw-record-sets', 'protocol-exports', 'write-order', 'idempotent-pipeline'],
    });
    expect(version).toMatch(/^2\.2\.4-lagscale\.\d+$/);
    expect(Object.isFrozen(lagscale) && Object.isFrozen(lagscale.features) && Object.isFrozen(lagscale.protocol)).toBe(true);
  });

  it('exports the wire format pieces that readers and fixtures need', () => {
    const { protocol } = lagscale;
    for (const [name, value] of Object.entries({ ...protocol, Batch: lagscale.Batch, murmur2: lagscale.murmur2 })) {
      expect(typeof value, name).toBe('function');
    }
    expect(protocol.crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(protocol.lookupCodecByAttributes(0)).toBeNull();
    expect(protocol.lookupCodecByAttributes(0x21)).not.toBeNull(); // gzip, with other attribute bits set
    // the Java client's murmur2 of "21" (kafkajs's own partitioner test vector)
    expect(lagscale.murmur2('21')).toBe(-973932308);
  });

  it('decodes a record set with the exported pieces as a plain consumer sees it', async () => {
    const { Decoder, Encoder, decodeMessages } = lagscale.protocol;
    const set = Buffer.concat([await recordBatch(5, 2), await recordBatch(7, 1)]);
    const messages = await decodeMessages(new Decoder(new Encoder().writeBytes(set).buffer));
    const batch = new lagscale.Batch('t', '6', { partition: 0, highWatermark: '8', messages });
    expect(batch.messages.map((m) => [m.offset, m.value?.toString()])).toEqual([
      ['6', 'v1'],
      ['7', 'v0'],
    ]);
  });

  it('keeps src/ private: only the package root and package.json resolve', () => {
    expect(requireFromRoot.resolve('kafkajs/package.json')).toMatch(/package\.json$/);
    expect(() => requireFromRoot.resolve('kafkajs/src/consumer/batch.js')).toThrow(expect.objectContaining({ code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }));
  });

  it('counts record batches produced back to back and raw record sets fetched', async () => {
    const produceRequest = requireFromRoot('./src/protocol/requests/produce/v3/request.js') as (args: Record<string, unknown>) => { encode(): Promise<unknown> };
    const v11 = requireFromRoot('./src/protocol/requests/fetch/v11/response.js') as { rawRecordSets: { decode(raw: Buffer): Promise<unknown> } };
    const { Encoder } = lagscale.protocol;
    const before = lagscale.counters();

    const partition = (p: number) => ({ partition: p, firstSequence: 0, messages: [{ key: null, value: 'x' }] });
    await produceRequest({ acks: 1, timeout: 1_000, topicData: [{ topic: 't', partitions: [partition(0), partition(1), partition(2)] }] }).encode();

    const fetchPartition = (recordSet: Buffer) =>
      new Encoder().writeInt32(0).writeInt16(0).writeInt64(1).writeInt64(1).writeInt64(0).writeArray([]).writeInt32(-1).writeBytes(recordSet);
    const response = new Encoder()
      .writeInt32(0)
      .writeInt16(0)
      .writeInt32(0)
      .writeArray([new Encoder().writeString('t').writeArray([fetchPartition(await recordBatch(0, 1)), fetchPartition(Buffer.alloc(0))])]);
    await v11.rawRecordSets.decode(response.buffer);

    const after = lagscale.counters();
    expect({ produced: after.producedRecordBatches - before.producedRecordBatches, raw: after.rawRecordSets - before.rawRecordSets }).toEqual({ produced: 3, raw: 1 });
  });
});
