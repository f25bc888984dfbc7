import { describe, expect, it } from 'vitest';
import { RecordArena } from '../pool/record-arena.js';
import { laneKeyOf, laneOf, type OrderingMode } from './ordering.js';

const laneKey = (key: Buffer | null) => laneKeyOf(RecordArena.copyOf([{ key, value: null, timestamp: '0' }]), 0);

describe('laneOf', () => {
  const rows: Array<{ name: string; mode: OrderingMode; a: Buffer | null; b: Buffer | null; sameLane: boolean; independent: boolean }> = [
    { name: 'key mode, same key', mode: 'key', a: Buffer.from('x'), b: Buffer.from('x'), sameLane: true, independent: false },
    { name: 'key mode, different keys', mode: 'key', a: Buffer.from('x'), b: Buffer.from('y'), sameLane: false, independent: false },
    { name: 'key mode, binary keys compare by bytes', mode: 'key', a: Buffer.from([0xff, 0x00]), b: Buffer.from([0xff, 0x01]), sameLane: false, independent: false },
    { name: 'key mode, empty key is a key', mode: 'key', a: Buffer.alloc(0), b: Buffer.alloc(0), sameLane: true, independent: false },
    { name: 'key mode, keyless is independent', mode: 'key', a: null, b: null, sameLane: true, independent: true },
    { name: 'partition mode ignores keys', mode: 'partition', a: Buffer.from('x'), b: null, sameLane: true, independent: false },
    { name: 'unordered is always independent', mode: 'unordered', a: Buffer.from('x'), b: Buffer.from('x'), sameLane: true, independent: true },
  ];
  it.each(rows)('$name', ({ mode, a, b, sameLane, independent }) => {
    // keys as the dispatcher reads them: hashed from an arena's bytes
    const laneA = laneOf(laneKey(a), mode);
    const laneB = laneOf(laneKey(b), mode);
    expect(laneA === laneB).toBe(sameLane);
    expect(laneA === undefined).toBe(independent);
  });

  it('lane keys are small integers, equal for equal key bytes, distinct over 2,000 keys', () => {
    const keys = Array.from({ length: 2_000 }, (_, i) => Buffer.from(`key-${i % 6}-${i}`));
    const lanes = new Set(keys.map((key) => laneKey(key)));
    expect(lanes.size).toBe(keys.length);
    for (const lane of lanes) expect(lane !== null && Number.isSafeInteger(lane) && lane >= 0 && lane < 2 ** 30).toBe(true);
    expect(laneKey(Buffer.from('key-1-7'))).toBe(laneKey(Buffer.from('key-1-7')));
  });
});
