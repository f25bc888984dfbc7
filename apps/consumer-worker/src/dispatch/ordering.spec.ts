import { describe, expect, it } from 'vitest';
import { RecordArena } from '../pool/record-arena.js';
import { laneOf, type OrderingMode } from './ordering.js';

const keyText = (key: Buffer | null) => RecordArena.copyOf([{ key, value: null, timestamp: '0' }]).keyLatin1(0);

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
    // keys as the dispatcher reads them: latin1 text from an arena
    const laneA = laneOf(keyText(a), mode);
    const laneB = laneOf(keyText(b), mode);
    expect(laneA === laneB).toBe(sameLane);
    expect(laneA === undefined).toBe(independent);
  });
});
