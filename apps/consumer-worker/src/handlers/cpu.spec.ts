import { describe, expect, it } from 'vitest';
import createCpuHandler, { hashRounds } from './cpu.js';
import { handlerRecord } from '../../test-support/handler-record.js';

describe('hashRounds', () => {
  it('is deterministic and depends on the round count', () => {
    expect(hashRounds(1, 100)).toBe(hashRounds(1, 100));
    expect(hashRounds(1, 100)).not.toBe(hashRounds(1, 101));
  });
});

describe('cpu handler', () => {
  it('burns about the asked CPU time per record (process CPU, loose bound)', async () => {
    const costUs = 1_000;
    const records = 200;
    // 200 ms of calibration rather than 30: on a busy machine V8's optimising compiler (a
    // background thread) may not have finished hashRounds within 30 ms, so every try measures
    // slower code than the records later run and the rate comes out low
    const handler = await createCpuHandler({ costUs: String(costUs), calibrateMs: '200' });
    const before = process.cpuUsage();
    for (let i = 0; i < records; i += 1) await handler.handle(handlerRecord(null, { offset: i }));
    const used = process.cpuUsage(before);
    const usedUs = used.user + used.system;
    // contention can move the cost either way (a preempted calibration undercounts the rate, a
    // preempted record runs longer); the bounds catch a loop off by a large factor, not jitter
    expect(usedUs).toBeGreaterThan(costUs * records * 0.4);
    expect(usedUs).toBeLessThan(costUs * records * 4);
  });

  it('passes records through when asked, and produces nothing otherwise', async () => {
    const quiet = await createCpuHandler({ costUs: '1', calibrateMs: '5' });
    expect(await quiet.handle(handlerRecord({ a: 1 }))).toBeUndefined();
    const loud = await createCpuHandler({ costUs: '1', calibrateMs: '5', passThrough: 'true' });
    expect(await loud.handle(handlerRecord({ a: 1 }, { headers: { 'lagscale-seq': '4' } }))).toEqual([
      { key: 'k', value: Buffer.from('{"a":1}'), codec: 'bytes', headers: { 'lagscale-seq': '4', 'content-type': 'application/json' } },
    ]);
  });

  it('rejects a costUs that is not a number', () => {
    expect(() => createCpuHandler({ costUs: 'lots' })).toThrow(/cpu handler option costUs/);
  });
});
