import { describe, expect, it } from 'vitest';
import { OK_WITHOUT_OUTPUTS, type RecordOutcome } from './executor.js';
import { packResults, unpackResults } from './result-codec.js';

describe('packResults / unpackResults', () => {
  const outcomes: RecordOutcome[] = [
    { status: 'ok', outputs: [] },
    {
      status: 'ok',
      outputs: [
        { key: Buffer.from('a'), value: Buffer.from('{"x":1}'), headers: { 'content-type': 'application/json', 'lagscale-seq': '9', raw: Buffer.from([0, 255]) } },
        { topic: 'alerts', key: null, value: null, headers: {} },
        { topic: 'alerts', key: Buffer.alloc(0), value: Buffer.alloc(0), headers: { 'ünï': 'cödé ✓' } },
      ],
    },
    { status: 'failed', error: 'boom ✗' },
    { status: 'undecodable', error: 'cannot decode value as application/json: invalid JSON' },
    { status: 'ok', outputs: [{ topic: 'other', key: Buffer.from('b'), value: Buffer.from('2'), headers: {} }] },
    { status: 'skipped' },
    { status: 'rejected', error: 'not a user event: action invalid' },
  ];

  it('round-trips every kind of outcome, keeping Buffer headers as Buffers', () => {
    const packed = packResults(outcomes);
    expect(packed.allOk ? [] : packed.topics).toEqual(['alerts', 'other']);
    expect(unpackResults(packed)).toEqual(outcomes);
  });

  it('round-trips 256 outcomes in order', () => {
    const many: RecordOutcome[] = Array.from({ length: 256 }, (_, i) =>
      i % 3 === 0 ? { status: 'failed', error: `e${i}` } : { status: 'ok', outputs: [{ key: null, value: Buffer.from(String(i)), headers: { seq: String(i) } }] },
    );
    expect(unpackResults(packResults(many))).toEqual(many);
  });

  it('packs no outcomes', () => {
    expect(unpackResults(packResults([]))).toEqual([]);
  });

  it('sends no bytes when every record ran and produced nothing, and carries the timings', () => {
    const packed = packResults([OK_WITHOUT_OUTPUTS, { status: 'ok', outputs: [] }], { counts: Float64Array.of(2, 0), sum: 0.5 });
    expect(packed).toEqual({ count: 2, allOk: true, handlerSeconds: { counts: Float64Array.of(2, 0), sum: 0.5 } });
    expect(unpackResults(packed)).toEqual([OK_WITHOUT_OUTPUTS, OK_WITHOUT_OUTPUTS]);
  });
});
