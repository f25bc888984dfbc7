import { PassThrough } from 'node:stream';
import { createLogger } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { DeadLetterLog, deadLetterCause } from './dead-letter-log.js';

function capture() {
  const stream = new PassThrough();
  const lines: Array<{ msg: string; level: number } & Record<string, unknown>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
  });
  return { logger: createLogger({ name: 'test', destination: stream }), lines };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('deadLetterCause', () => {
  it.each([
    { reason: 'undecodable: cannot decode value as application/json: Unexpected token', cause: 'undecodable' },
    { reason: 'not retriable: not a user event: action invalid', cause: 'not retriable' },
    { reason: 'worker crashed 3 times running it: exit 1', cause: 'worker crash' },
    { reason: 'downstream timed out', cause: 'out of attempts' },
  ])('$cause ← $reason', ({ reason, cause }) => {
    expect(deadLetterCause(reason)).toBe(cause);
  });
});

describe('DeadLetterLog', () => {
  it('turns a flood of 6,000 dead letters of a topic into one line at once and one summary per interval', async () => {
    const { logger, lines } = capture();
    const log = new DeadLetterLog(logger, (topic) => `${topic}.dlq`);
    for (let offset = 0; offset < 6_000; offset += 1) log.record({ topic: 'events', partition: offset % 3, offset }, 'not retriable: not a user event: action invalid', 1);
    log.flush();
    for (let offset = 6_000; offset < 6_002; offset += 1) log.record({ topic: 'events', partition: 0, offset }, 'undecodable: bad json', 1);
    log.flush();
    log.flush(); // nothing new: no line
    await settle();
    expect(lines.map((l) => l.msg)).toEqual([
      'dead-lettered events[0]@0 to events.dlq (not retriable, 1 attempt): not retriable: not a user event: action invalid; more of events within 10 s are counted into one line',
      '5999 more records of events dead-lettered to events.dlq (5999 not retriable; first: [1]@1: not retriable: not a user event: action invalid)',
      'dead-lettered events[0]@6000 to events.dlq (undecodable, 1 attempt): undecodable: bad json; more of events within 10 s are counted into one line',
      '1 more records of events dead-lettered to events.dlq (1 undecodable; first: [0]@6001: undecodable: bad json)',
    ]);
    expect(lines[1]).toMatchObject({ topic: 'events', records: 5_999, causes: { 'not retriable': 5_999 }, dlqTopic: 'events.dlq' });
  });

  it('keeps topics apart and counts causes separately', async () => {
    const { logger, lines } = capture();
    const log = new DeadLetterLog(logger, () => 'all.dlq');
    log.record({ topic: 'a', partition: 0, offset: 1 }, 'boom', 5);
    log.record({ topic: 'b', partition: 0, offset: 1 }, 'boom', 5);
    log.record({ topic: 'a', partition: 0, offset: 2 }, 'boom', 5);
    log.record({ topic: 'a', partition: 0, offset: 3 }, 'undecodable: x', 1);
    log.flush();
    await settle();
    expect(lines).toHaveLength(3);
    expect(lines[2]?.msg).toBe('2 more records of a dead-lettered to all.dlq (1 out of attempts, 1 undecodable; first: [0]@2: boom)');
  });

  it('bounds a long reason in the line', async () => {
    const { logger, lines } = capture();
    new DeadLetterLog(logger, (t) => `${t}.dlq`).record({ topic: 't', partition: 0, offset: 0 }, `not retriable: ${'x'.repeat(5_000)}`, 1);
    await settle();
    expect((lines[0]?.msg.length ?? 0) < 400).toBe(true);
  });
});
