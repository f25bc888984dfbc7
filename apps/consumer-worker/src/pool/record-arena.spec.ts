import { describe, expect, it } from 'vitest';
import { RecordArena, type ArenaSource } from './record-arena.js';

function source(overrides: Partial<ArenaSource> = {}): ArenaSource {
  return { key: Buffer.from('k'), value: Buffer.from('v'), headers: {}, timestamp: '1700000000123', ...overrides };
}

describe('RecordArena', () => {
  const rows: Array<{ name: string; input: ArenaSource; key: string | null; value: string | null; headers: Record<string, string>; bytes: number }> = [
    { name: 'plain record', input: source(), key: 'k', value: 'v', headers: {}, bytes: 2 },
    { name: 'null key and value (a keyless tombstone)', input: source({ key: null, value: null }), key: null, value: null, headers: {}, bytes: 0 },
    { name: 'empty key and value', input: source({ key: Buffer.alloc(0), value: Buffer.alloc(0) }), key: '', value: '', headers: {}, bytes: 0 },
    { name: 'no headers object', input: source({ headers: undefined }), key: 'k', value: 'v', headers: {}, bytes: 2 },
    {
      name: 'unicode headers, string and Buffer values',
      input: source({ headers: { 'grüße-☃': 'wert ✓ 日本', raw: Buffer.from('é'), empty: '' } }),
      key: 'k',
      value: 'v',
      headers: { 'grüße-☃': 'wert ✓ 日本', raw: 'é', empty: '' },
      bytes: 2,
    },
    { name: 'a repeated header keeps its last value', input: source({ headers: { h: ['a', Buffer.from('b')] } }), key: 'k', value: 'v', headers: { h: 'b' }, bytes: 2 },
    { name: 'an undefined header is dropped', input: source({ headers: { gone: undefined, kept: '1' } }), key: 'k', value: 'v', headers: { kept: '1' }, bytes: 2 },
  ];

  it.each(rows)('round-trips: $name', ({ input, key, value, headers, bytes }) => {
    const arena = RecordArena.copyOf([input]);
    expect(arena.count).toBe(1);
    expect(arena.key(0)?.toString() ?? null).toBe(key);
    expect(arena.keyText(0)).toBe(key);
    expect(arena.value(0)?.toString() ?? null).toBe(value);
    expect(arena.headersText(0)).toEqual(headers);
    expect(arena.timestampMs(0)).toBe(1_700_000_000_123);
    expect(arena.dataBytes(0)).toBe(bytes);
  });

  it('hashes each key with FNV-1a as it copies it (null key: no hash)', () => {
    const keys = [Buffer.from('key-3-17'), null, Buffer.alloc(0), Buffer.from([0xff, 0x00, 0x80])];
    const arena = RecordArena.copyOf(keys.map((key) => source({ key })));
    // the FNV-1a test vectors: "" → 0x811c9dc5; the others against the definition, in BigInt
    const reference = (key: Buffer) => key.reduce((hash, byte) => Number((BigInt((hash ^ byte) >>> 0) * 16_777_619n) % 2n ** 32n), 0x811c9dc5);
    expect(keys.map((_, slot) => arena.keyHash(slot))).toEqual([reference(keys[0] as Buffer), undefined, 0x811c9dc5, reference(keys[3] as Buffer)]);
    expect(RecordArena.copyOf([source({ key: Buffer.from('a') })]).keyHash(0)).toBe(0xe40c292c);
  });

  it('copies a range of many records, and another thread reads it from the buffer and header names', () => {
    const sources = Array.from({ length: 300 }, (_, i) =>
      source({ key: i % 7 === 0 ? null : Buffer.from(`key-${i}`), value: Buffer.alloc(i, i), headers: { seq: String(i), 'content-type': Buffer.from('application/octet-stream') }, timestamp: String(1_000 + Math.floor(i / 100)) }),
    );
    const copied = RecordArena.copyOf(sources, 10, 290);
    const arena = RecordArena.attach(copied.buffer, copied.headerNames);
    expect(arena.count).toBe(280);
    for (let slot = 0; slot < 280; slot += 1) {
      const i = slot + 10;
      expect(arena.key(slot)?.toString() ?? null).toBe(i % 7 === 0 ? null : `key-${i}`);
      expect(arena.value(slot)).toEqual(Buffer.alloc(i, i));
      expect(arena.headersText(slot)).toEqual({ seq: String(i), 'content-type': 'application/octet-stream' });
      expect(arena.timestampMs(slot)).toBe(1_000 + Math.floor(i / 100));
    }
  });

  it('leaves the sources untouched and does not share their memory', () => {
    const input = source({ value: Buffer.from('keep') });
    const arena = RecordArena.copyOf([input]);
    arena.value(0)?.fill(0);
    expect(input.value?.toString()).toBe('keep');
    expect(arena.value(0)?.buffer).toBe(arena.buffer);
  });
});
