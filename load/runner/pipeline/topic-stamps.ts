// Reads a topic once, start to end, keeping per record of one producer its sequence number and
// broker timestamp: what pipeline-e2e needs to pair outputs with inputs.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { fetchPartitionOffsets } from '@lagscale/kafka-core';
import { LOAD_SEQUENCE_HEADERS } from '../../scenarios/batch-body.ts';
import { LoadError } from '../load-errors.ts';

/** Timestamps (epoch ms) by sequence number; NaN where the topic has no record of that number. */
export interface TopicStamps {
  /** First timestamp seen per sequence number. */
  timestamps: Float64Array;
  /** Records of the producer read (duplicates included). */
  records: number;
  duplicates: number;
}

function headerText(value: unknown): string | undefined {
  const last: unknown = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === undefined || last === null) return undefined;
  return Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
}

/** Reads every record present when the read starts; `seqLimit` bounds the sequence numbers kept. */
export async function readTopicStamps(kafka: Kafka, admin: Admin, topic: string, producerId: string, seqLimit: number, timeoutMs: number): Promise<TopicStamps> {
  const ends = new Map<number, number>();
  for (const p of await fetchPartitionOffsets(admin, topic)) if (p.end > p.start) ends.set(p.partition, p.end);
  const stamps: TopicStamps = { timestamps: new Float64Array(seqLimit).fill(Number.NaN), records: 0, duplicates: 0 };
  if (ends.size === 0) return stamps;

  const groupId = `lagscale-load-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 8 * 1024 * 1024, maxWaitTimeInMs: 250 });
  const pending = new Set(ends.keys());
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new LoadError('TIMEOUT', `reading ${topic}: ${pending.size} partition(s) not read to their end within ${timeoutMs} ms`));
      }, timeoutMs);
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = ends.get(batch.partition);
            if (end === undefined) return;
            for (const message of batch.messages) {
              if (Number(message.offset) >= end) break;
              if (headerText(message.headers?.[LOAD_SEQUENCE_HEADERS.producerId]) !== producerId) continue;
              const seq = Number(headerText(message.headers?.[LOAD_SEQUENCE_HEADERS.seq]));
              if (!Number.isInteger(seq) || seq < 0 || seq >= seqLimit) continue;
              stamps.records += 1;
              if (Number.isNaN(stamps.timestamps[seq])) stamps.timestamps[seq] = Number(message.timestamp);
              else stamps.duplicates += 1;
            }
            if (Number(batch.lastOffset()) + 1 >= end) {
              pending.delete(batch.partition);
              if (pending.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return stamps;
}
