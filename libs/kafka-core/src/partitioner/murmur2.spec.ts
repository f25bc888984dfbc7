import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JavaCompatiblePartitioner, murmur2, partitionForKey, toPositive } from './murmur2.js';

interface Vector {
  keyHex: string;
  keyUtf8: string | null;
  murmur2: number;
  positive: number;
  partitions: Record<string, number>;
}

// Computed by the Java kafka-clients jar (tools/kafka/partitioner-vectors); committed as a fixture.
const vectors = JSON.parse(
  readFileSync(new URL('../../test/fixtures/murmur2-vectors.json', import.meta.url), 'utf8'),
) as Vector[];

describe('murmur2 against the Java client', () => {
  it('has a meaningful fixture', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(40);
  });

  it.each(vectors.map((v) => ({ ...v, label: v.keyUtf8 ?? `0x${v.keyHex}` })))('$label', (v) => {
    const bytes = Buffer.from(v.keyHex, 'hex');
    expect(murmur2(bytes)).toBe(v.murmur2);
    expect(toPositive(murmur2(bytes))).toBe(v.positive);
    for (const [count, partition] of Object.entries(v.partitions)) {
      expect(partitionForKey(bytes, Number(count))).toBe(partition);
      if (v.keyUtf8 !== null) expect(partitionForKey(v.keyUtf8, Number(count))).toBe(partition);
    }
  });
});

describe('partitionForKey', () => {
  it('rejects a non-positive partition count', () => {
    expect(() => partitionForKey('k', 0)).toThrow(RangeError);
  });
  it('toPositive clears only the sign bit', () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(5)).toBe(5);
  });
});

describe('JavaCompatiblePartitioner', () => {
  const partitionMetadata = [0, 1, 2, 3, 4, 5].map((partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
  const partition = JavaCompatiblePartitioner();

  it('places keyed records by murmur2', () => {
    for (const key of ['a', 'user-17', 'ключ']) {
      expect(partition({ topic: 't', partitionMetadata, message: { key, value: 'v' } })).toBe(partitionForKey(key, 6));
    }
  });
  it('honours an explicit partition', () => {
    expect(partition({ topic: 't', partitionMetadata, message: { key: 'a', value: 'v', partition: 4 } })).toBe(4);
  });
  it('spreads keyless records over every partition', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 12; i += 1) seen.add(partition({ topic: 't', partitionMetadata, message: { value: 'v' } }));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
