import kafkajs from 'kafkajs';
import { kafkajsFork } from '@lagscale/kafka-core';

// Record batches in Kafka's format, written by kafkajs's own producer-side encoders, for the
// specs of the record-set reader and of the consumer's batch intake. Not part of the build.
const { RecordBatch, Record, Long } = kafkajsFork().protocol;

export interface TestRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string | string[]>;
  timestampDelta?: number;
  offsetDelta?: number;
}

export interface BatchSpec {
  baseOffset: number;
  records: TestRecord[];
  baseTimestamp?: number;
  compression?: number;
  transactional?: boolean;
  producerId?: number;
  control?: boolean;
  logAppendTime?: number;
}

const CONTROL_ATTRIBUTE = 0x20;
const LOG_APPEND_TIME_ATTRIBUTE = 0x08;

export async function batchBytes(spec: BatchSpec): Promise<Buffer> {
  const encoded = await RecordBatch({
    firstOffset: Long.fromValue(spec.baseOffset),
    firstTimestamp: spec.baseTimestamp ?? 1_700_000_000_000,
    maxTimestamp: spec.logAppendTime ?? spec.baseTimestamp ?? 1_700_000_000_000,
    compression: spec.compression ?? kafkajs.CompressionTypes.None,
    transactional: spec.transactional ?? false,
    producerId: Long.fromValue(spec.producerId ?? -1),
    lastOffsetDelta: Math.max(...spec.records.map((r, i) => r.offsetDelta ?? i)),
    records: spec.records.map((r, i) => Record({ key: r.key, value: r.value, headers: r.headers ?? {}, timestampDelta: r.timestampDelta ?? 0, offsetDelta: r.offsetDelta ?? i })),
  });
  const bytes = Buffer.from(encoded.buffer);
  // attributes (int16 at 21) are not in the encoder's options for these; the CRC is not checked
  let attributes = bytes.readInt16BE(21);
  if (spec.control === true) attributes |= CONTROL_ATTRIBUTE;
  if (spec.logAppendTime !== undefined) attributes |= LOG_APPEND_TIME_ATTRIBUTE;
  bytes.writeInt16BE(attributes, 21);
  return bytes;
}

export async function recordSet(...specs: BatchSpec[]): Promise<Buffer> {
  return Buffer.concat(await Promise.all(specs.map(batchBytes)));
}
