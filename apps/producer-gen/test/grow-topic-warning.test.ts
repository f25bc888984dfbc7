import { afterAll, describe, expect, it } from 'vitest';
import { TestKafka, uniqueName } from '@lagscale/kafka-core/testing';
import { cli } from './cli-process.js';

interface LogLine {
  level: number;
  msg: string;
  grownFrom?: number;
}

const logLines = (text: string): LogLine[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine)
    .filter((l) => typeof l.msg === 'string');

describe('producer-gen run: growing an existing topic', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('warns that keys move to other partitions (it said only "topic exists")', { timeout: 90_000 }, async () => {
    await t.connect();
    const topic = uniqueName('pg-grow');
    t.adopt(topic);
    const env = { LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
    const first = await cli(['run', '--topic', topic, '--partitions', '2', '--count', '10'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(logLines(first.stdout + first.stderr).map((l) => l.msg)).toContain(`created topic ${topic} with 2 partitions`);

    const second = await cli(['run', '--topic', topic, '--partitions', '4', '--count', '10'], { env });
    expect(second.code, second.stderr).toBe(0);
    const grew = logLines(second.stdout + second.stderr).find((l) => l.msg.startsWith(`grew topic ${topic}`));
    expect(grew, second.stdout + second.stderr).toMatchObject({ level: 40, grownFrom: 2 });
    expect(grew?.msg).toContain('from 2 to 4 partitions: keys move to other partitions');

    const third = await cli(['run', '--topic', topic, '--partitions', '4', '--count', '10'], { env });
    expect(logLines(third.stdout + third.stderr).map((l) => l.msg)).toContain(`topic ${topic} exists with 4 partitions`);
  });
});
