import type { Kafka } from 'kafkajs';
import { TestKafka, waitForGroupJoin } from './test-kafka.js';

/**
 * Commits, as `groupId`, `offsets[p]` for partition p of each topic (undefined: no commit there),
 * then leaves the group. A member joins for it, subscribed to those topics (the broker does not
 * tie commits to the assignment): kafkajs's admin `setOffsets` waits out a 5 s fetch per call.
 * The member neither resolves nor commits anything of its own.
 */
export async function commitAsGroup(kafka: Kafka | TestKafka, groupId: string, offsetsByTopic: Readonly<Record<string, ReadonlyArray<number | undefined>>>): Promise<void> {
  const topics = Object.keys(offsetsByTopic);
  if (topics.length === 0) throw new Error(`commitAsGroup(${groupId}): no topics to commit on`);
  const client = kafka instanceof TestKafka ? kafka.kafka : kafka;
  const consumer = client.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics });
    const joined = waitForGroupJoin(consumer);
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await joined;
    await consumer.commitOffsets(
      Object.entries(offsetsByTopic).flatMap(([topic, offsets]) =>
        offsets.flatMap((offset, partition) => (offset === undefined ? [] : [{ topic, partition, offset: String(offset) }])),
      ),
    );
  } finally {
    await consumer.disconnect();
  }
}
