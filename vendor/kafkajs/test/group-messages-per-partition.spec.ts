import { describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';

type Message = { value: number; partition: number };
type Args = { topic: string; partitionMetadata: Array<{ partitionId: number }>; messages: Message[]; partitioner(args: { message: Message }): number };
const groupMessagesPerPartition = requireSrc('./producer/groupMessagesPerPartition.js') as (args: Args) => Record<string, Message[]>;

/** Upstream's definition (a copy of the partition's array per message), as the reference. */
function upstreamGrouping({ partitionMetadata, messages, partitioner }: Args): Record<string, Message[]> {
  if (partitionMetadata.length === 0) return {};
  return messages.reduce<Record<string, Message[]>>((result, message) => {
    const partition = partitioner({ message });
    return Object.assign(result, { [partition]: [...(result[partition] ?? []), message] });
  }, {});
}

const byPartitionField = ({ message }: { message: Message }) => message.partition;
const partitions = (count: number) => Array.from({ length: count }, (_, partitionId) => ({ partitionId }));

describe('groupMessagesPerPartition', () => {
  it('groups as upstream does: same partitions, same order within each', () => {
    const messages = Array.from({ length: 500 }, (_, i) => ({ value: i, partition: (i * 7919) % 5 }));
    const args = { topic: 't', partitionMetadata: partitions(5), messages, partitioner: byPartitionField };
    expect(groupMessagesPerPartition(args)).toEqual(upstreamGrouping(args));
  });

  it('groups 20,000 messages per partition in order', () => {
    const messages = Array.from({ length: 20_000 }, (_, i) => ({ value: i, partition: i % 7 }));
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: partitions(7), messages, partitioner: byPartitionField });
    expect(Object.keys(grouped).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    for (const [partition, list] of Object.entries(grouped)) {
      expect(list.length).toBe(Math.ceil((20_000 - Number(partition)) / 7));
      expect(list.every((m, i) => m.value === Number(partition) + i * 7)).toBe(true);
    }
  });

  it('returns no groups without partition metadata', () => {
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages: [{ value: 1, partition: 0 }], partitioner: byPartitionField })).toEqual({});
  });
});
