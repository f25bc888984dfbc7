import { kafkajsFork, lookupCodecByAttributes } from '@lagscale/kafka-core';
import type { FetchedMessage } from '../dispatch/dispatcher-contract.js';
import { RecordSetError, type RecordSegment } from './record-format.js';

/*
 * Kafka's record batch format (magic 2), read straight from a fetch response's record set: what
 * a plain kafkajs consumer decodes into an object per record (offsets and timestamps as decimal
 * strings, a headers object), the hot path reads as numbers and byte positions. Record sets
 * reach the consumer undecoded through the `rawRecordSets` consumer option of our kafkajs
 * (vendor/kafkajs, docs/decisions/0007); the record bytes are copied once, into an arena, and the worker threads
 * read keys, values and headers from there.
 *
 * RecordBatch: baseOffset int64, length int32, partitionLeaderEpoch int32, magic int8,
 *   crc uint32, attributes int16, lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64,
 *   producerId int64, producerEpoch int16, baseSequence int32, recordCount int32, records.
 * Record: length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
 *   key (varint length, -1 null), value (same), headers (varint count, then per header a varint
 *   length and name, a varint length and value).
 */

const LOG_OVERHEAD = 12;
const MAGIC_AT = 16;
const ATTRIBUTES_AT = 21;
const LAST_OFFSET_DELTA_AT = 23;
const BASE_TIMESTAMP_AT = 27;
const MAX_TIMESTAMP_AT = 35;
const PRODUCER_ID_AT = 43;
const RECORD_COUNT_AT = 57;
const RECORDS_AT = 61;

const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_MASK = 0x08;
const TRANSACTIONAL_MASK = 0x10;
const CONTROL_MASK = 0x20;

/** A transaction the broker reports aborted, as kafkajs passes it on (int64s as decimal strings). */
export interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}

function int64(buffer: Buffer, at: number): number {
  return buffer.readInt32BE(at) * 0x1_0000_0000 + buffer.readUInt32BE(at + 4);
}

/**
 * The batches of a record set to consume, in order: control batches (transaction markers) and
 * the batches of aborted transactions are left out, as the Java consumer does in read_committed
 * (a transaction's batches all come from one producer, so the check is per batch, never per
 * record); compressed batches are decompressed with kafkajs's registered codecs. Undefined when
 * the set holds message format v0/v1 (written before Kafka 0.11): `legacyMessages` reads those.
 */
export async function recordSetSegments(recordSet: Buffer, abortedTransactions: readonly AbortedTransaction[] = []): Promise<RecordSegment[] | undefined> {
  const segments: RecordSegment[] = [];
  const pendingAborts = abortedTransactions.length === 0 ? [] : [...abortedTransactions].sort((a, b) => Number(a.firstOffset) - Number(b.firstOffset));
  const aborting = new Set<string>();
  let at = 0;
  while (at + LOG_OVERHEAD <= recordSet.length) {
    const size = recordSet.readInt32BE(at + 8);
    const end = at + LOG_OVERHEAD + size;
    if (end > recordSet.length) break; // a partial batch at the end: fetched whole next time
    const magic = recordSet.readInt8(at + MAGIC_AT);
    if (magic < 2) return undefined;
    if (magic !== 2) throw new RecordSetError(`record batch at offset ${int64(recordSet, at)} has message format v${magic}, which this client does not know`);
    if (size < RECORDS_AT - LOG_OVERHEAD) throw new RecordSetError(`record batch at offset ${int64(recordSet, at)} is ${size} bytes, shorter than its header`);
    const baseOffset = int64(recordSet, at);
    const attributes = recordSet.readInt16BE(at + ATTRIBUTES_AT);
    const lastOffset = baseOffset + recordSet.readInt32BE(at + LAST_OFFSET_DELTA_AT);
    while (pendingAborts.length > 0 && Number((pendingAborts[0] as AbortedTransaction).firstOffset) <= lastOffset) {
      aborting.add((pendingAborts.shift() as AbortedTransaction).producerId);
    }
    if ((attributes & CONTROL_MASK) !== 0) {
      // a marker ends its producer's transaction: an abort marker closes the aborted range
      if (aborting.size > 0) aborting.delete(recordSet.readBigInt64BE(at + PRODUCER_ID_AT).toString());
      at = end;
      continue;
    }
    if ((attributes & TRANSACTIONAL_MASK) !== 0 && aborting.size > 0 && aborting.has(recordSet.readBigInt64BE(at + PRODUCER_ID_AT).toString())) {
      at = end;
      continue;
    }
    const count = recordSet.readInt32BE(at + RECORD_COUNT_AT);
    const codec = attributes & COMPRESSION_MASK;
    let records = recordSet.subarray(at + RECORDS_AT, end);
    if (codec !== 0) {
      // kafkajs's own lookup: its registered codecs (gzip, and what @lagscale/codecs adds); one
      // it lacks throws KafkaJSNotImplemented, naming it
      const decompressor = lookupCodecByAttributes(attributes);
      if (decompressor === null) throw new RecordSetError(`record batch at offset ${baseOffset} is compressed with unknown codec ${codec}`);
      records = await decompressor.decompress(records);
    }
    segments.push({
      records,
      count,
      baseOffset,
      baseTimestamp: int64(recordSet, at + BASE_TIMESTAMP_AT),
      logAppendTime: (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? int64(recordSet, at + MAX_TIMESTAMP_AT) : undefined,
    });
    at = end;
  }
  return segments;
}


/**
 * The records of a record set in message format v0/v1, decoded by kafkajs's own decoder and
 * filtered by its `Batch` (offsets before the fetched one, markers, aborted transactions): the
 * messages a plain kafkajs consumer would get. No Kafka 4 broker stores these formats; a topic
 * written by very old clients to an older broker may.
 */
export async function legacyMessages(recordSet: Buffer, fetchedOffset: string, abortedTransactions: readonly AbortedTransaction[]): Promise<FetchedMessage[]> {
  const { protocol: { decodeMessages, Decoder }, Batch } = kafkajsFork();
  // decodeMessages reads the set's size first, as it comes in a fetch response
  const framed = Buffer.allocUnsafe(4 + recordSet.length);
  framed.writeInt32BE(recordSet.length, 0);
  recordSet.copy(framed, 4);
  const messages = await decodeMessages(new Decoder(framed));
  return new Batch('', fetchedOffset, { partition: 0, highWatermark: '0', messages, abortedTransactions }).messages;
}
