import { describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';
import { recordBatch } from './record-batches.js';

interface Encoder {
  writeInt16(v: number): Encoder;
  writeInt32(v: number): Encoder;
  writeInt64(v: number | string): Encoder;
  writeString(v: string): Encoder;
  writeBytes(v: Buffer): Encoder;
  writeArray(v: Encoder[]): Encoder;
  readonly buffer: Buffer;
}
const Encoder = requireSrc('./protocol/encoder.js') as new () => Encoder;
type Partition = { partition: number; highWatermark: string; abortedTransactions: unknown[]; messages: Array<{ offset: string; value: Buffer }>; recordSet?: Buffer };
type Response = { responses: Array<{ topicName: string; partitions: Partition[] }> };
type Decode = { decode(raw: Buffer): Promise<Response> };
const v11Response = requireSrc('./protocol/requests/fetch/v11/response.js') as Decode & { rawRecordSets: Decode };
const fetchProtocol = (requireSrc('./protocol/requests/fetch/index.js') as { protocol(args: { version: number }): (args: Record<string, unknown>) => { response: unknown } }).protocol;

/** A Fetch v11 response with one topic whose partitions carry the given record sets. */
function fetchResponse(recordSets: Buffer[]): Buffer {
  const partitions = recordSets.map((recordSet, partition) =>
    new Encoder()
      .writeInt32(partition)
      .writeInt16(0) // error code
      .writeInt64(100) // high watermark
      .writeInt64(100) // last stable offset
      .writeInt64(0) // log start offset
      .writeArray([new Encoder().writeInt64(7).writeInt64(12)]) // one aborted transaction
      .writeInt32(-1) // preferred read replica
      .writeBytes(recordSet),
  );
  return new Encoder()
    .writeInt32(0) // throttle time
    .writeInt16(0)
    .writeInt32(0) // session id
    .writeArray([new Encoder().writeString('t').writeArray(partitions)]).buffer;
}

describe('Fetch v11 with rawRecordSets', () => {
  it('keeps each partition record set as bytes, a view into the response', async () => {
    const sets = [Buffer.concat([await recordBatch(10, 3), await recordBatch(13, 2)]), await recordBatch(0, 1)];
    const raw = fetchResponse(sets);
    const [topic] = (await v11Response.rawRecordSets.decode(raw)).responses;
    expect(topic?.topicName).toBe('t');
    for (const [i, partition] of (topic?.partitions ?? []).entries()) {
      expect(partition.messages).toEqual([]);
      expect(partition.recordSet?.equals(sets[i] as Buffer)).toBe(true);
      expect(partition.recordSet?.buffer).toBe(raw.buffer);
      expect(partition.abortedTransactions).toEqual([{ producerId: '7', firstOffset: '12' }]);
      expect(partition.highWatermark).toBe('100');
    }
  });

  it('decodes the same response into messages without the option', async () => {
    const raw = fetchResponse([Buffer.concat([await recordBatch(10, 3), await recordBatch(13, 2)])]);
    const [partition] = (await v11Response.decode(raw)).responses[0]?.partitions ?? [];
    expect(partition?.recordSet).toBeUndefined();
    expect(partition?.messages.map((m) => [m.offset, m.value.toString()])).toEqual([
      ['10', 'v0'],
      ['11', 'v1'],
      ['12', 'v2'],
      ['13', 'v0'],
      ['14', 'v1'],
    ]);
  });

  it('gives an empty record set for a partition without records', async () => {
    const [partition] = (await v11Response.rawRecordSets.decode(fetchResponse([Buffer.alloc(0)]))).responses[0]?.partitions ?? [];
    expect(partition?.recordSet?.length).toBe(0);
  });

  it('uses the raw decoder only when a Fetch v11 request asks for it', () => {
    const request = { maxWaitTime: 100, minBytes: 1, maxBytes: 1_024, topics: [] };
    expect(fetchProtocol({ version: 11 })({ ...request, rawRecordSets: true }).response).toBe(v11Response.rawRecordSets);
    expect(fetchProtocol({ version: 11 })(request).response).toBe(v11Response);
    // older versions decode as before (the consumer then gets messages, and no record set)
    expect(fetchProtocol({ version: 10 })({ ...request, rawRecordSets: true }).response).not.toHaveProperty('rawRecordSets');
  });
});
