import type { Kafka } from 'kafkajs';
import { TestKafka, waitForGroupJoin } from './test-kafka.js';
import { waitFor } from './wait-for.js';

/**
 * Commits, as `groupId`, `offsets[p]` for partition p of each topic (undefined: no commit there),
 * then leaves the group. A member joins for it, subscribed to those topics (the broker does not
 * tie commits to the assignment): kafkajs's admin `setOffsets` waits out a 5 s fetch per call.
 * The member neither resolves nor commits anything of its own.
 *
 * kafkajs drops a commit without a word while its consumer restarts (a fetch error on a broker
 * that just started is enough), so the commit is repeated until an admin reads it back.
 */
export async function commitAsGroup(kafka: Kafka | TestKafka, groupId: string, offsetsByTopic: Readonly<Record<string, ReadonlyArray<number | undefined>>>): Promise<void> {
  const topics = Object.keys(offsetsByTopic);
  if (topics.length === 0) throw new Error(`commitAsGroup(${groupId}): no topics to commit on`);
  const client = kafka instanceof TestKafka ? kafka.kafka : kafka;
  const wanted = Object.entries(offsetsByTopic).flatMap(([topic, offsets]) =>
    offsets.flatMap((offset, partition) => (offset === undefined ? [] : [{ topic, partition, offset: String(offset) }])),
  );
  const consumer = client.consumer({ groupId, maxWaitTimeInMs: 100 });
  const admin = client.admin();
  await Promise.all([consumer.connect(), admin.connect()]);
  try {
    await consumer.subscribe({ topics });
    const joined = waitForGroupJoin(consumer);
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await joined;
    await waitFor(
      async () => {
        await consumer.commitOffsets(wanted);
        const committed = await admin.fetchOffsets({ groupId, topics });
        return wanted.every(({ topic, partition, offset }) =>
          committed.some((t) => t.topic === topic && t.partitions.some((p) => p.partition === partition && p.offset === offset)),
        );
      },
      { timeoutMs: 30_000, intervalMs: 250, description: `the commits of ${groupId} to be readable` },
    );
  } finally {
    await Promise.allSettled([consumer.disconnect(), admin.disconnect()]);
  }
}
